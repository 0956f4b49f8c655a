"""The audit on real Postgres: every routing of a lead in its history (the stage's batch,
a rejection, an expired SLA, a claim), each with why it was made, its rule path, who had the
lead before and the reps it considered; shown to the admin and to those who had the lead."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.sla.domain import Sla
from leadflow_router.sla.handlers import move_expired
from leadflow_shared.db import Database
from tests.conftest import Infra
from tests.integration.router.kit import (
    ADMIN,
    NOW,
    FixedClock,
    assignees,
    bearer,
    issue_key,
    router_client,
    scored,
    team_database,
)
from tests.integration.router.test_answers import TEAM
from tests.support import handle

SLA = Sla(rep_accept_minutes=30)
LATER = NOW + timedelta(minutes=10)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        async with database.driver_connection() as conn:  # earlier tests' deadlines are theirs
            await conn.execute(
                "UPDATE router.assignments SET answer_by = NULL WHERE answer_by IS NOT NULL"
            )
        yield database


async def test_the_stage_records_its_whole_batch_as_first_routings(db: Database) -> None:
    leads = [scored("US"), scored("AU"), scored("US", "cold", "lead")]
    await handle(db, route_leads, leads, clock=FixedClock(NOW), sla=SLA)
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT lead_id, attempt, why, assignee_id, previous_id, answer_by, decided_at"
            " FROM router.routings WHERE lead_id = ANY($1::uuid[])",
            [lead.lead_id for lead in leads],
        )
    found = {r["lead_id"]: r for r in rows}
    assert [
        (found[lead.lead_id]["assignee_id"], found[lead.lead_id]["answer_by"]) for lead in leads
    ] == [
        ("rep-ben", NOW + timedelta(minutes=30)),
        ("partner-northwind", None),  # this SLA gives partners no deadline
        ("nurture", None),
    ]
    assert {(r["attempt"], r["why"], r["previous_id"], r["decided_at"]) for r in rows} == {
        (1, "routed", None, NOW)
    }


async def test_the_whole_history_is_shown_to_those_who_had_the_lead(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW), sla=SLA)) == [
        "rep-ben"
    ]
    path = f"/v1/assignments/{lead.lead_id}"
    async with router_client(infra_env, FixedClock(LATER)) as client:
        keys = {
            who: bearer(await issue_key(client, "rep", f"rep-{who}"))
            for who in ("ben", "eve", "gil", "kim")
        }
        rejected = await client.post(f"{path}/reject", json={"reason": "away"}, headers=keys["ben"])
        assert rejected.json()["assignment"]["assignee_id"] == "rep-eve"
        async with infra_env.service_database("router") as chores:  # Eve does not answer
            expiry = NOW + timedelta(hours=1)
            assert await move_expired(chores.unit_of_work(), FixedClock(expiry), SLA, 50) == 1
        seen = {who: await client.get(path, headers=key) for who, key in keys.items()}
        by_admin = await client.get(path, headers=ADMIN)
        anonymous = await client.get(path)
        unknown = await client.get(f"/v1/assignments/{uuid.uuid4()}", headers=ADMIN)
        plain = await client.get(f"/v1/leads/{lead.lead_id}/assignment")
    assert {who: answer.status_code for who, answer in seen.items()} == {
        "ben": 200,  # had it
        "eve": 200,  # had it
        "gil": 200,  # has it
        "kim": 403,  # never had it
    }
    assert seen["kim"].json()["error"]["code"] == "not_yours"
    assert (anonymous.status_code, unknown.status_code) == (401, 404)
    audit = by_admin.json()
    assert audit == seen["ben"].json()
    assert (audit["assignee_id"], audit["attempt"], audit["accepted_at"]) == ("rep-gil", 3, None)
    assert audit["answer_by"].startswith("2026-11-30T13:30:00")  # Gil's 30 minutes
    assert {k: v for k, v in audit.items() if k not in ("answer_by", "history")} == plain.json()
    history = audit["history"]
    assert [(h["attempt"], h["why"], h["assignee"]["id"]) for h in history] == [
        (1, "routed", "rep-ben"),
        (2, "rejected", "rep-eve"),
        (3, "sla-expired", "rep-gil"),
    ]
    assert [h["previous"] for h in history] == [
        None,
        {"kind": "rep", "id": "rep-ben"},
        {"kind": "rep", "id": "rep-eve"},
    ]
    assert [h["rule_path"][:2] for h in history] == [
        ["sales-ready", "country:US"],
        ["rejected", "rep:rep-ben"],
        ["sla-expired", "rep:rep-eve"],
    ]
    assert [h["decided_at"][:19] for h in history] == [
        "2026-11-30T12:00:00",
        "2026-11-30T12:10:00",
        "2026-11-30T13:00:00",
    ]
    assert history[2]["reason"].startswith("Eve did not accept it in time; Gil covers US")


async def test_a_claim_is_in_the_history_and_the_reps_considered_are_shown(
    infra_env: Infra, db: Database
) -> None:
    async with db.driver_connection() as conn:  # every US rep is full: the lead waits
        await conn.execute(
            "UPDATE router.reps SET open_leads = capacity WHERE 'US' = ANY(territories)"
        )
    lead = scored("US")
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW), sla=SLA)) == [
        "sales"
    ]
    async with db.driver_connection() as conn:
        await conn.execute("UPDATE router.reps SET open_leads = 0 WHERE id = 'rep-gil'")
        # as a decision that names the reps it considered stores them
        considered = [["rep-gil", "eligible"], ["rep-ben", "at capacity"], ["rep-eve", "away"]]
        await conn.execute(
            "UPDATE router.routings SET trace = $2::json WHERE lead_id = $1 AND attempt = 1",
            lead.lead_id,
            json.dumps({"considered": considered}),
        )
    async with router_client(infra_env, FixedClock(LATER)) as client:
        gil = bearer(await issue_key(client, "rep", "rep-gil"))
        claimed = await client.post("/v1/reps/rep-gil/claim", headers=gil)
        audit = (await client.get(f"/v1/assignments/{lead.lead_id}", headers=gil)).json()
    assert claimed.status_code == 200, claimed.text
    first, second = audit["history"]
    assert (first["why"], first["assignee"]["id"], first["answer_by"]) == ("routed", "sales", None)
    assert first["eligible"] == ["rep-gil"]
    assert first["skipped"] == [
        {"rep_id": "rep-ben", "why": "at capacity"},
        {"rep_id": "rep-eve", "why": "away"},
    ]
    assert (second["why"], second["assignee"]["id"], second["previous"]["id"]) == (
        "claimed",
        "rep-gil",
        "sales",
    )
    assert second["answer_by"] is None and audit["answer_by"] is None  # a claim is taken
    assert second["eligible"] == [] and second["skipped"] == []
