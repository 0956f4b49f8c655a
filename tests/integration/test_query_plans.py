"""The statements a stage runs once a batch keep to their indexes on a young table (one
that grew from empty faster than Postgres gathered statistics for it), and so does router's
SLA chore; the relay reads the waiting rows of an outbox full of deleted ones in index
order."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from leadflow_local.postgres import plain_dsn
from leadflow_router.assignments.repository import EXPIRED
from leadflow_score.rules.repository import ACTIVITY
from leadflow_shared.db import Database
from leadflow_shared.messaging.outbox import Outbox
from leadflow_shared.messaging.relay import RELAY_SETTINGS
from leadflow_verify.dedupe.repository import CANDIDATES
from leadflow_verify.tables import outbox as verify_outbox
from tests.conftest import Infra, fresh_database

ROWS = 20_000


@pytest.fixture(scope="module")
def young(infra_env: Infra) -> Iterator[Infra]:
    """A database of its own whose tables have never been analysed."""
    with fresh_database(infra_env, ["verify", "score", "router"]) as infra:
        yield infra


@pytest.fixture
async def admin(young: Infra) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(plain_dsn(young.admin_url))
    yield conn
    await conn.close()


async def fill(admin: asyncpg.Connection, table: str, insert: str) -> None:
    await admin.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    await admin.execute(f"TRUNCATE {table}")
    await admin.execute(insert)
    analysed = await admin.fetchval(
        "SELECT count(*) FROM pg_stats WHERE schemaname || '.' || tablename = $1", table
    )
    assert analysed == 0  # the planner has no statistics of it


def nodes(plan: Any) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


async def plan_of(
    db: Database, sql: str, *args: Any, settings: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The plan a unit of work's connection (or a connection of its own with ``settings``)
    makes of ``sql`` with these parameters."""
    explain = f"EXPLAIN (FORMAT JSON) {sql}"
    if settings is None:
        async with db.unit_of_work() as uow:
            raw = await (await uow.driver()).fetchval(explain, *args)
    else:
        conn = await db.connect("plans", settings)
        try:
            raw = await conn.fetchval(explain, *args)
        finally:
            await conn.close()
    explained = json.loads(raw) if isinstance(raw, str) else raw  # a codec may decode it
    return list(nodes(explained[0]["Plan"]))


def scans_of(plan: list[dict[str, Any]], table: str) -> set[str]:
    return {n["Node Type"] for n in plan if n.get("Relation Name") == table}


async def test_verify_finds_candidates_through_the_indexes(young: Infra, admin: Any) -> None:
    await fill(
        admin,
        "verify.people",
        f"""INSERT INTO verify.people (lead_id, first_lead_id, email, phone, name, company, block)
        SELECT id, id, 'p' || n || '@example.com', '+1555' || lpad(n::text, 7, '0'),
               'ann lee', 'acme', 'acme|a ' || (n % 500)
        FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, {ROWS}) n) s""",
    )
    async with young.service_database("verify") as db:
        plan = await plan_of(
            db,
            CANDIDATES,
            [f"p{n}@example.com" for n in range(0, ROWS, 100)],
            [f"+1555{n:07}" for n in range(0, ROWS, 200)],
            [f"acme|a {n}" for n in range(100)],
        )
    assert scans_of(plan, "people") <= {"Index Scan", "Bitmap Heap Scan"}
    assert scans_of(plan, "people")


async def test_score_reads_a_batch_of_people_through_their_index(young: Infra, admin: Any) -> None:
    await fill(
        admin,
        "score.score_inputs",
        f"""INSERT INTO score.score_inputs (lead_id, person_id, received_at, lead)
        SELECT gen_random_uuid(), gen_random_uuid(), now(), '{{}}'::json
        FROM generate_series(1, {ROWS})""",
    )
    persons = [uuid.uuid4() for _ in range(200)]
    async with young.service_database("score") as db:
        plan = await plan_of(db, ACTIVITY, persons, True, [], [])
    assert scans_of(plan, "score_inputs") <= {"Index Scan", "Bitmap Heap Scan"}
    assert scans_of(plan, "score_inputs")


async def test_the_relay_reads_waiting_rows_in_index_order(young: Infra, admin: Any) -> None:
    await fill(
        admin,
        "verify.outbox",
        f"""INSERT INTO verify.outbox (event_id, topic, key, value, headers)
        SELECT gen_random_uuid(), 'leads.verified.v1', 'k', '\\x00', '[]'
        FROM generate_series(1, {ROWS})""",
    )
    # Published and deleted, all but the newest few: the dead rows stay until a vacuum.
    await admin.execute(
        "DELETE FROM verify.outbox WHERE id <= (SELECT max(id) - 20 FROM verify.outbox)"
    )
    async with young.service_database("verify") as db:
        plan = await plan_of(db, Outbox(verify_outbox).take_sql, 500, settings=RELAY_SETTINGS)
    assert scans_of(plan, "outbox") == {"Index Scan"}


async def test_router_finds_expired_assignments_through_their_partial_index(
    young: Infra, admin: Any
) -> None:
    """Most assignments were accepted, closed or have no deadline; the chore reads the few
    overdue ones through the index on answer_by."""
    await fill(
        admin,
        "router.assignments",
        f"""INSERT INTO router.assignments (lead_id, assignee_kind, assignee_id, rule_path,
            reason, temperature, status, details, answer_by, accepted_at)
        SELECT gen_random_uuid(), 'rep', 'rep-ben', '[]', 'r', 'hot', 'sql', '{{}}'::json,
               CASE WHEN n % 3 = 0 THEN NULL ELSE now() - interval '1 day' + n * interval '1 s' END,
               CASE WHEN n % 50 = 0 THEN NULL ELSE now() END
        FROM generate_series(1, {ROWS}) n""",
    )
    async with young.service_database("router") as db:
        plan = await plan_of(db, EXPIRED, datetime.now(UTC), 200)
    assert scans_of(plan, "assignments") <= {"Index Scan", "Bitmap Heap Scan"}
    assert scans_of(plan, "assignments")
    assert {n.get("Index Name") for n in plan if n.get("Index Name")} == {
        "ix_assignments_answer_by_open"
    }
