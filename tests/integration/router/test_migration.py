"""router's 2026-12-04 migration (keys, claims and answers) on a database with assignments
made before it, up and down again."""

from __future__ import annotations

import uuid

import asyncpg

from leadflow_local.postgres import plain_dsn
from tests.conftest import Infra, fresh_database, migrate_to

BEFORE = "5c8d1e7f2a90"
KEYS_CLAIMS_AND_ANSWERS = "3f9a6d2c4b81"
PARTNER_WEBHOOKS = "7d3b9e2f5a16"


async def an_assignment_made_before(conn: asyncpg.Connection, lead_id: uuid.UUID) -> None:
    """An assignment as the oldest revisions store it: Ben has a hot SQL lead."""
    await conn.execute(
        "INSERT INTO router.assignments (lead_id, assignee_kind, assignee_id, rule_path,"
        " reason, temperature, status) VALUES ($1, 'rep', 'rep-ben', '[]', 'r', 'hot', 'sql')",
        lead_id,
    )


async def test_assignments_made_before_are_first_routings_nobody_answered(
    infra_env: Infra,
) -> None:
    lead_id = uuid.uuid4()
    with fresh_database(infra_env, ()) as own:  # a database of its own, not migrated
        admin_url, service_url = own.admin_url, own.service_url("router")
        migrate_to("router", admin_url, service_url, BEFORE)
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            await an_assignment_made_before(conn, lead_id)
            migrate_to("router", admin_url, service_url, "head")
            after = await conn.fetchrow("SELECT * FROM router.assignments")
            keys = await conn.fetchval("SELECT count(*) FROM router.api_keys")
            migrate_to("router", admin_url, service_url, BEFORE, down=True)
            down = await conn.fetchrow("SELECT * FROM router.assignments")
            tables = await conn.fetchval("SELECT to_regclass('router.api_keys')::text")
        finally:
            await conn.close()
    assert after["lead_id"] == lead_id and after["assignee_id"] == "rep-ben"
    assert (after["attempt"], after["accepted_at"], after["declined_by"]) == (1, None, [])
    assert (after["country"], after["details"]) == (None, None)  # never claimed nor handed on
    assert keys == 0
    assert down["lead_id"] == lead_id and "attempt" not in dict(down) and tables is None


async def test_history_and_sla_leave_assignments_made_before_without_a_deadline(
    infra_env: Infra,
) -> None:
    """The 2026-12-05 migration: assignments made before have no deadline (never expire) and
    no history yet; down again, its tables and column are gone."""
    lead_id = uuid.uuid4()
    with fresh_database(infra_env, ()) as own:  # a database of its own, not migrated
        admin_url, service_url = own.admin_url, own.service_url("router")
        migrate_to("router", admin_url, service_url, KEYS_CLAIMS_AND_ANSWERS)
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            await an_assignment_made_before(conn, lead_id)
            migrate_to("router", admin_url, service_url, "head")
            after = await conn.fetchrow("SELECT * FROM router.assignments")
            counts = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM router.routings) AS routings,"
                " (SELECT count(*) FROM router.lead_times) AS lead_times"
            )
            migrate_to("router", admin_url, service_url, KEYS_CLAIMS_AND_ANSWERS, down=True)
            down = await conn.fetchrow("SELECT * FROM router.assignments")
            tables = await conn.fetchval(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'router'"
                " AND tablename IN ('routings', 'lead_times')"
            )
        finally:
            await conn.close()
    assert after["lead_id"] == lead_id and after["answer_by"] is None
    assert (counts["routings"], counts["lead_times"]) == (0, 0)
    assert down["lead_id"] == lead_id and "answer_by" not in dict(down) and tables == 0


async def test_reps_and_partners_from_before_eligibility_keep_todays_routing(
    infra_env: Infra,
) -> None:
    """The eligibility migration (after the webhooks one): a rep stored before it takes any
    language and segment, has no daily cap, no hours and no time off, and is not paused; a
    partner weighs 1; no company has an owner. Down again, the columns and the new tables
    are gone and the rows stay."""
    with fresh_database(infra_env, ()) as own:  # a database of its own, not migrated
        admin_url, service_url = own.admin_url, own.service_url("router")
        migrate_to("router", admin_url, service_url, PARTNER_WEBHOOKS)
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            await conn.execute(
                "INSERT INTO router.reps (id, name, territories, weight, capacity, active)"
                " VALUES ('rep-ben', 'Ben', '{US}', 1, 50, true)"
            )
            await conn.execute(
                "INSERT INTO router.partners (id, name, territories, active)"
                " VALUES ('partner-nw', 'Northwind', '{AU}', true)"
            )
            migrate_to("router", admin_url, service_url, "head")
            rep = await conn.fetchrow("SELECT * FROM router.reps")
            partner = await conn.fetchrow("SELECT * FROM router.partners")
            policies = await conn.fetchval("SELECT count(*) FROM router.routing_policy")
            companies = await conn.fetchval("SELECT count(*) FROM router.company_owners")
            migrate_to("router", admin_url, service_url, PARTNER_WEBHOOKS, down=True)
            rep_down = await conn.fetchrow("SELECT * FROM router.reps")
            partner_down = await conn.fetchrow("SELECT * FROM router.partners")
            table = await conn.fetchval("SELECT to_regclass('router.routing_policy')::text")
            owners = await conn.fetchval("SELECT to_regclass('router.company_owners')::text")
        finally:
            await conn.close()
    assert (rep["languages"], rep["segments"], rep["daily_cap"], rep["hours"]) == (
        [],
        [],
        None,
        None,
    )
    assert (rep["out_of_office"], rep["paused"], rep["away"]) == ("[]", False, "[]")
    assert (partner["weight"], partner["segments"], partner["credit"]) == (1, [], 0)
    assert partner["last_offered_at"] is None and policies == 0 and companies == 0
    assert rep_down["id"] == "rep-ben" and "languages" not in dict(rep_down)
    assert partner_down["id"] == "partner-nw" and "weight" not in dict(partner_down)
    assert table is None and owners is None
