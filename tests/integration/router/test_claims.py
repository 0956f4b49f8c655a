"""Claims on real Postgres: a rep pulls the hottest, then the longest-waiting, lead of the
sales queue from their territories, within their capacity; claims running at once never
hand out one lead twice."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.claims.handlers import claim
from leadflow_router.config import RouterConfig
from leadflow_router.errors import AtCapacity, NothingToClaim
from leadflow_router.keys.domain import ADMIN, Caller
from leadflow_router.service import SERVICE as ROUTER
from leadflow_shared.db import Database
from leadflow_shared.events import LeadRouted, LeadScored
from tests.conftest import Infra
from tests.integration.router.kit import (
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

# Everyone full from the start (capacity 1, each gets one lead first): the leads after
# that wait in the sales queue until a test makes room.
TEAM = RouterConfig.model_validate(
    {
        "reps": [
            {"id": "rep-ben", "name": "Ben", "territories": ["US", "CA"], "capacity": 1},
            {"id": "rep-eve", "name": "Eve", "territories": ["US"], "capacity": 1},
            {"id": "rep-dev", "name": "Dev", "territories": ["DE"], "capacity": 1},
        ],
    }
)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        first = [scored("US"), scored("US"), scored("DE")]
        routed = await handle(database, route_leads, first, clock=clock())
        assert assignees(routed) == ["rep-ben", "rep-eve", "rep-dev"]
        yield database


def clock() -> FixedClock:
    return FixedClock(NOW)


async def queue(db: Database, *leads: LeadScored) -> None:
    """Route each lead in a transaction of its own (so each waits longer than the next)
    into the sales queue."""
    for lead in leads:
        assert assignees(await handle(db, route_leads, [lead], clock=clock())) == ["sales"]


async def room(db: Database, capacity: int, *rep_ids: str) -> None:
    async with db.driver_connection() as conn:
        await conn.execute(
            "UPDATE reps SET capacity = $1 WHERE id = ANY($2::text[])", capacity, list(rep_ids)
        )


async def test_a_rep_gets_the_hottest_then_the_oldest_lead_of_their_territories(
    infra_env: Infra, db: Database
) -> None:
    warm_sql, hot, hotter_later, german = (
        scored("US", "warm", "sql"),
        scored("US"),
        scored("CA"),
        scored("DE"),
    )
    await queue(db, warm_sql, hot, hotter_later, german)
    await room(db, 10, "rep-ben")
    claimed_at = NOW + timedelta(minutes=5)
    async with router_client(infra_env, FixedClock(claimed_at)) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        answers = [await client.post("/v1/reps/rep-ben/claim", headers=ben) for _ in range(4)]
    first, *_, none_left = answers
    assert [a.status_code for a in answers] == [200, 200, 200, 404]
    assert [a.json()["lead_id"] for a in answers[:3]] == [
        str(hot.lead_id),
        str(hotter_later.lead_id),
        str(warm_sql.lead_id),
    ]
    assert none_left.json()["error"]["code"] == "nothing_to_claim"
    assert "US, CA" in none_left.json()["error"]["message"]
    body = first.json()
    assert (body["assignee_kind"], body["assignee_id"], body["attempt"]) == ("rep", "rep-ben", 2)
    assert body["rule_path"] == ["claimed", "queue:sales", "rep-ben"]
    assert body["accepted_at"] is None
    assert body["lead"]["contact"] == hot.data.lead.contact.model_dump(mode="json")
    assert body["lead"]["score"] == hot.data.score
    # the German lead still waits: Ben does not cover DE
    async with router_client(infra_env) as client:
        german_now = (await client.get(f"/v1/leads/{german.lead_id}/assignment")).json()
        reps = {r["id"]: r for r in (await client.get("/v1/reps")).json()}
    assert (german_now["assignee_kind"], german_now["assignee_id"]) == ("queue", "sales")
    assert reps["rep-ben"]["open_leads"] == 4 and reps["rep-ben"]["assigned_total"] == 4
    # the claim is published: a new lead.routed, the attempt counted on, the queue before
    routed = [e for e in await staged_events(db, hot.lead_id) if isinstance(e, LeadRouted)]
    assert [(e.data.assignee.id, e.data.attempt) for e in routed] == [
        ("sales", 1),
        ("rep-ben", 2),
    ]
    again = routed[-1].data
    assert again.previous is not None
    assert (again.previous.kind, again.previous.id) == ("queue", "sales")
    assert again.contact == hot.data.lead.contact and again.score == hot.data.score
    assert again.received_at == hot.data.lead.received_at


async def test_a_rep_at_capacity_claims_nothing(infra_env: Infra, db: Database) -> None:
    lead = scored("US")
    await queue(db, lead)
    async with router_client(infra_env) as client:
        full = await client.post(
            "/v1/reps/rep-eve/claim", headers=bearer(await issue_key(client, "rep", "rep-eve"))
        )
    assert full.status_code == 409 and full.json()["error"]["code"] == "at_capacity"
    assert "capacity" in full.json()["error"]["message"]
    async with db.driver_connection() as conn:
        where = await conn.fetchval(
            "SELECT assignee_id FROM router.assignments WHERE lead_id = $1", lead.lead_id
        )
    assert where == "sales"


async def test_claims_at_once_never_hand_out_a_lead_twice(infra_env: Infra, db: Database) -> None:
    waiting = [scored("US") for _ in range(8)]
    await queue(db, *waiting)
    await room(db, 100, "rep-ben", "rep-eve")
    # as many connections (pool and overflow) as claims: each runs in its own transaction at once
    database = Database(infra_env.service_url("router"), pool_size=6, outbox=ROUTER.outbox())
    try:
        claimers = ["rep-ben", "rep-eve"] * 6

        async def one(rep_id: str) -> tuple[str, uuid.UUID | None]:
            try:
                got = await claim(database.unit_of_work(), rep_id, ADMIN, NOW)
            except NothingToClaim:
                return rep_id, None
            return rep_id, got.lead_id

        results = await asyncio.gather(*(one(rep_id) for rep_id in claimers))
    finally:
        await database.dispose()
    handed = [lead_id for _, lead_id in results if lead_id is not None]
    assert len(handed) == 8 and set(handed) == {lead.lead_id for lead in waiting}
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT lead_id, assignee_id, attempt FROM router.assignments"
            " WHERE lead_id = ANY($1::uuid[])",
            handed,
        )
        open_leads = dict(await conn.fetch("SELECT id, open_leads FROM router.reps"))
    by_lead = {lead_id: rep_id for rep_id, lead_id in results if lead_id is not None}
    assert {r["lead_id"]: r["assignee_id"] for r in rows} == by_lead
    assert {r["attempt"] for r in rows} == {2}
    got = Counter(by_lead.values())
    assert (
        open_leads["rep-ben"] == 1 + got["rep-ben"] and open_leads["rep-eve"] == 1 + got["rep-eve"]
    )
    # one new lead.routed per lead, never two
    for lead in waiting:
        routed = [e for e in await staged_events(db, lead.lead_id) if isinstance(e, LeadRouted)]
        assert [e.data.attempt for e in routed] == [1, 2]


async def test_claims_at_once_by_one_rep_stop_at_their_capacity(
    infra_env: Infra, db: Database
) -> None:
    await queue(db, *(scored("US") for _ in range(8)))
    await room(db, 4, "rep-ben")  # one open already: room for three
    database = Database(infra_env.service_url("router"), pool_size=4, outbox=ROUTER.outbox())
    ben = Caller("rep", "rep-ben")
    try:
        results = await asyncio.gather(
            *(claim(database.unit_of_work(), "rep-ben", ben, NOW) for _ in range(8)),
            return_exceptions=True,
        )
    finally:
        await database.dispose()
    assert sum(not isinstance(r, BaseException) for r in results) == 3
    assert all(isinstance(r, AtCapacity) for r in results if isinstance(r, BaseException))
    async with db.driver_connection() as conn:
        assert await conn.fetchval("SELECT open_leads FROM router.reps WHERE id = 'rep-ben'") == 4
        waiting = await conn.fetchval(
            "SELECT count(*) FROM router.assignments WHERE assignee_id = 'sales'"
            " AND closed_at IS NULL"
        )
    assert waiting == 5


async def test_a_claim_skips_a_lead_another_claim_holds_instead_of_waiting(
    infra_env: Infra, db: Database
) -> None:
    held, next_one = scored("US"), scored("US")
    await queue(db, held, next_one)
    await room(db, 10, "rep-eve")
    async with db.driver_connection() as conn, conn.transaction():
        await conn.execute(
            "SELECT 1 FROM router.assignments WHERE lead_id = $1 FOR UPDATE", held.lead_id
        )
        got = await asyncio.wait_for(claim(db.unit_of_work(), "rep-eve", ADMIN, NOW), 10)
    assert got.lead_id == next_one.lead_id
