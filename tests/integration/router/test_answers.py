"""Answers on real Postgres: a lead's rep or partner accepts it (once), or rejects it and
the lead goes on to the next who can take it (never back to anyone who rejected it), each
routing published with its attempt and the one before."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig
from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, LeadOffered, LeadRouted, Topics
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
    staged_events,
    team_database,
)
from tests.support import handle

TEAM = RouterConfig.model_validate(
    {
        "reps": [
            {"id": "rep-ben", "name": "Ben", "territories": ["US"]},
            {"id": "rep-eve", "name": "Eve", "territories": ["US"]},
            {"id": "rep-gil", "name": "Gil", "territories": ["US"]},
            {"id": "rep-kim", "name": "Kim", "territories": ["AU"]},
        ],
        "partners": [
            # partners sharing a territory share its leads by weight: Northwind takes four
            # AU leads in five (the two of a batch below)
            {"id": "partner-northwind", "name": "Northwind", "territories": ["AU"], "weight": 4},
            {"id": "partner-outback", "name": "Outback", "territories": ["AU", "NZ"]},
        ],
    }
)
LATER = NOW + timedelta(hours=1)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        yield database


async def open_leads(db: Database) -> dict[str, int]:
    async with db.driver_connection() as conn:
        return dict(await conn.fetch("SELECT id, open_leads FROM router.reps WHERE active"))


async def test_the_assignee_accepts_once(infra_env: Infra, db: Database) -> None:
    lead = scored("US")
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW))) == ["rep-ben"]
    path = f"/v1/assignments/{lead.lead_id}/accept"
    async with router_client(infra_env, FixedClock(LATER)) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        first = await client.post(path, headers=ben)
    async with router_client(infra_env, FixedClock(LATER + timedelta(hours=1))) as client:
        again = await client.post(path, headers=ADMIN)
        shown = (await client.get(f"/v1/leads/{lead.lead_id}/assignment")).json()
    assert first.status_code == again.status_code == 200
    assert first.json()["accepted_at"] == again.json()["accepted_at"] == shown["accepted_at"]
    assert shown["accepted_at"].startswith("2026-11-30T13:00:00")
    feedback = [e for e in await staged_events(db, lead.lead_id) if isinstance(e, LeadFeedback)]
    assert [(e.data.outcome, e.data.assignee.id, e.data.reported_at) for e in feedback] == [
        ("accepted", "rep-ben", LATER)
    ]


async def test_a_rejected_lead_goes_to_the_next_rep_and_never_back(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW))) == ["rep-ben"]
    path = f"/v1/assignments/{lead.lead_id}/reject"
    async with router_client(infra_env, FixedClock(LATER)) as client:
        keys = {
            rep: bearer(await issue_key(client, "rep", f"rep-{rep}"))
            for rep in ("ben", "eve", "gil")
        }
        accepted = await client.post(f"/v1/assignments/{lead.lead_id}/accept", headers=keys["ben"])
        by_ben = await client.post(path, json={"reason": "on leave"}, headers=keys["ben"])
        after_ben = await open_leads(db)
        again_by_ben = await client.post(path, headers=keys["ben"])
        second = by_ben.json()["assignment"]["assignee_id"]
        by_second = await client.post(path, headers=keys[second.removeprefix("rep-")])
        third = by_second.json()["assignment"]["assignee_id"]
        by_third = await client.post(path, headers=keys[third.removeprefix("rep-")])
        claims = [
            (await client.post(f"/v1/reps/{rep}/claim", headers=ADMIN)).status_code
            for rep in ("rep-ben", "rep-eve", "rep-gil")
        ]
    assert accepted.status_code == 200  # accepted, and still free to reject
    assert by_ben.status_code == 200, by_ben.text
    assert by_ben.json()["rejected_by"] == {"kind": "rep", "id": "rep-ben"}
    moved = by_ben.json()["assignment"]
    assert second in ("rep-eve", "rep-gil") and moved["attempt"] == 2
    assert moved["accepted_at"] is None and moved["rule_path"][:2] == ["rejected", "rep:rep-ben"]
    assert after_ben == {
        "rep-ben": 0,
        second: 1,
        ({"rep-eve", "rep-gil"} - {second}).pop(): 0,
        "rep-kim": 0,
    }
    assert again_by_ben.status_code == 403  # no longer Ben's
    assert {second, third} == {"rep-eve", "rep-gil"}
    last = by_third.json()["assignment"]
    assert (last["assignee_kind"], last["assignee_id"], last["attempt"]) == ("queue", "sales", 4)
    assert "declined by Ben, Eve, Gil" in last["reason"]
    assert claims == [404, 404, 404]  # none of them takes back a lead they rejected
    assert await open_leads(db) == {"rep-ben": 0, "rep-eve": 0, "rep-gil": 0, "rep-kim": 0}

    events = await staged_events(db, lead.lead_id)
    routed = [e.data for e in events if isinstance(e, LeadRouted)]
    assert [(r.assignee.id, r.attempt) for r in routed] == [
        ("rep-ben", 1),
        (second, 2),
        (third, 3),
        ("sales", 4),
    ]
    assert [r.previous.id if r.previous else None for r in routed] == [
        None,
        "rep-ben",
        second,
        third,
    ]
    assert all(r.contact == lead.data.lead.contact for r in routed)
    said = [
        (e.data.outcome, e.data.assignee.id, e.data.note)
        for e in events
        if isinstance(e, LeadFeedback)
    ]
    assert said == [
        ("accepted", "rep-ben", None),
        ("rejected", "rep-ben", "on leave"),
        ("rejected", second, None),
        ("rejected", third, None),
    ]


async def test_a_partners_rejection_goes_to_the_next_partner_then_to_a_rep(
    infra_env: Infra, db: Database
) -> None:
    hot, cold = scored("AU"), scored("AU", "cold", "lead")
    routed = await handle(db, route_leads, [hot, cold], clock=FixedClock(NOW))
    assert assignees(routed) == ["partner-northwind", "partner-northwind"]
    async with router_client(infra_env, FixedClock(LATER)) as client:
        northwind = bearer(await issue_key(client, "partner", "partner-northwind"))
        outback = bearer(await issue_key(client, "partner", "partner-outback"))
        answers = {
            (lead.data.temperature, who): (
                await client.post(f"/v1/assignments/{lead.lead_id}/reject", headers=key)
            ).json()["assignment"]
            for lead in (hot, cold)
            for who, key in (("northwind", northwind), ("outback", outback))
        }
    where = {k: (v["assignee_kind"], v["assignee_id"], v["attempt"]) for k, v in answers.items()}
    assert where == {
        ("hot", "northwind"): ("partner", "partner-outback", 2),
        ("hot", "outback"): ("rep", "rep-kim", 3),
        ("cold", "northwind"): ("partner", "partner-outback", 2),
        ("cold", "outback"): ("nurture", "nurture", 3),
    }
    assert (await open_leads(db))["rep-kim"] == 1
    events = await staged_events(db, hot.lead_id)
    offered = [e for e in events if isinstance(e, LeadOffered)]
    assert [(e.data.partner_id, e.data.offered_at) for e in offered] == [
        ("partner-northwind", NOW),
        ("partner-outback", LATER),
    ]
    assert Topics.partner("partner-outback") == "partner.partner-outback.leads.v1"


async def test_answers_that_cannot_be_given(infra_env: Infra, db: Database) -> None:
    closed, queued, old = scored("US"), scored("NZ", "cold", "lead"), scored("US")
    async with db.driver_connection() as conn:
        await conn.execute("UPDATE reps SET capacity = 1 WHERE territories = '{US}'")
    routed = await handle(
        db, route_leads, [closed, old, scored("US"), queued], clock=FixedClock(NOW)
    )
    assert assignees(routed) == ["rep-ben", "rep-eve", "rep-gil", "partner-outback"]
    waiting = scored("US")
    assert assignees(await handle(db, route_leads, [waiting], clock=FixedClock(NOW))) == ["sales"]
    async with db.driver_connection() as conn:  # as if routed before details were kept
        await conn.execute(
            "UPDATE router.assignments SET details = NULL WHERE lead_id = $1", old.lead_id
        )
    async with router_client(infra_env, FixedClock(LATER)) as client:
        converted = await client.post(
            f"/v1/assignments/{closed.lead_id}/feedback",
            json={"outcome": "converted"},
            headers=ADMIN,
        )
        answers = {
            "accept a closed lead": await client.post(
                f"/v1/assignments/{closed.lead_id}/accept", headers=ADMIN
            ),
            "reject a closed lead": await client.post(
                f"/v1/assignments/{closed.lead_id}/reject", headers=ADMIN
            ),
            "accept a queued lead": await client.post(
                f"/v1/assignments/{waiting.lead_id}/accept", headers=ADMIN
            ),
            "reject an unknown lead": await client.post(
                f"/v1/assignments/{uuid.uuid4()}/reject", headers=ADMIN
            ),
            "reject an old lead": await client.post(
                f"/v1/assignments/{old.lead_id}/reject", headers=ADMIN
            ),
            "reject with a long reason": await client.post(
                f"/v1/assignments/{old.lead_id}/reject", json={"reason": "x" * 2001}, headers=ADMIN
            ),
        }
    assert converted.status_code == 202
    assert {k: (v.status_code, v.json()["error"]["code"]) for k, v in answers.items()} == {
        "accept a closed lead": (409, "lead_closed"),
        "reject a closed lead": (409, "lead_closed"),
        "accept a queued lead": (409, "not_answerable"),
        "reject an unknown lead": (404, "not_found"),
        "reject an old lead": (409, "not_reroutable"),
        "reject with a long reason": (422, "validation_failed"),
    }
    async with db.driver_connection() as conn:  # nothing changed by a refusal
        row = await conn.fetchrow(
            "SELECT assignee_id, attempt FROM router.assignments WHERE lead_id = $1", old.lead_id
        )
    assert (row["assignee_id"], row["attempt"]) == ("rep-eve", 1)
