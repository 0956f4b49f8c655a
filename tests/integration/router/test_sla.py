"""SLAs on real Postgres, with a fake clock: a lead nobody accepts by its deadline goes on to
the next rep or partner (never back), an accepted or closed one stays, the deadline is the
assignment's own (a new process, a new pool, keeps it), and an assignment another
transaction holds is skipped, not waited for."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.service import SERVICE as ROUTER
from leadflow_router.settings import RouterSettings
from leadflow_router.sla.chores import CHORES
from leadflow_router.sla.domain import Sla
from leadflow_router.sla.handlers import move_expired
from leadflow_shared.config import load_config
from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, LeadOffered, LeadRouted, Topics
from leadflow_shared.service.runtime import build_runtime
from tests.conftest import EXAMPLE_CONFIG, Infra, fresh_database
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
from tests.integration.router.test_answers import TEAM, open_leads
from tests.support import events_on, handle

SLA = Sla(rep_accept_minutes=30, partner_answer_minutes=240)
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        async with database.driver_connection() as conn:  # earlier tests' deadlines are theirs
            await conn.execute(
                "UPDATE router.assignments SET answer_by = NULL WHERE answer_by IS NOT NULL"
            )
        yield database


async def expire(infra: Infra, at: datetime, batch_size: int = 200) -> int:
    """One run of the SLA chore at ``at``, as a process of its own would make it."""
    async with infra.service_database("router") as database:
        return await move_expired(database.unit_of_work(), FixedClock(at), SLA, batch_size)


async def now_at(db: Database, lead_id: uuid.UUID) -> dict[str, Any]:
    async with db.driver_connection() as conn:
        row = await conn.fetchrow(
            "SELECT assignee_kind, assignee_id, attempt, answer_by, declined_by, accepted_at"
            " FROM router.assignments WHERE lead_id = $1",
            lead_id,
        )
    return dict(row)


async def test_an_unanswered_assignment_moves_on_after_its_sla_in_another_process(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    async with infra_env.service_database("router") as first:  # the process that routed it
        routed = await handle(first, route_leads, [lead], clock=FixedClock(NOW), sla=SLA)
    assert assignees(routed) == ["rep-ben"]
    assert (await now_at(db, lead.lead_id))["answer_by"] == NOW + 30 * MINUTE

    assert await expire(infra_env, NOW + 29 * MINUTE) == 0  # not yet
    assert (await now_at(db, lead.lead_id))["assignee_id"] == "rep-ben"
    assert await expire(infra_env, NOW + 30 * MINUTE) == 1  # its deadline: too late
    moved = await now_at(db, lead.lead_id)
    assert (moved["assignee_id"], moved["attempt"], moved["declined_by"]) == (
        "rep-eve",
        2,
        ["rep:rep-ben"],
    )
    assert moved["answer_by"] == NOW + 60 * MINUTE  # Eve's own 30 minutes
    assert (await open_leads(db))["rep-ben"] == 0 and (await open_leads(db))["rep-eve"] == 1

    assert await expire(infra_env, NOW + 60 * MINUTE) == 1
    assert (await now_at(db, lead.lead_id))["assignee_id"] == "rep-gil"
    assert await expire(infra_env, NOW + 90 * MINUTE) == 1
    waiting = await now_at(db, lead.lead_id)
    assert (waiting["assignee_kind"], waiting["assignee_id"], waiting["attempt"]) == (
        "queue",
        "sales",
        4,
    )
    assert waiting["answer_by"] is None  # a queue has nobody to answer
    assert await expire(infra_env, NOW + timedelta(days=30)) == 0

    events = await staged_events(db, lead.lead_id)
    routings = [e.data for e in events if isinstance(e, LeadRouted)]
    assert [(r.assignee.id, r.attempt, r.previous and r.previous.id) for r in routings] == [
        ("rep-ben", 1, None),
        ("rep-eve", 2, "rep-ben"),
        ("rep-gil", 3, "rep-eve"),
        ("sales", 4, "rep-gil"),
    ]
    assert routings[1].rule_path[:2] == ("sla-expired", "rep:rep-ben")
    assert routings[1].reason.startswith("Ben did not accept it in time")
    assert not [e for e in events if isinstance(e, LeadFeedback)]  # nobody reported anything
    assert await open_leads(db) == {"rep-ben": 0, "rep-eve": 0, "rep-gil": 0, "rep-kim": 0}


async def test_an_accepted_or_closed_assignment_stays_where_it_is(
    infra_env: Infra, db: Database
) -> None:
    accepted, closed, ignored = scored("US"), scored("US"), scored("US")
    routed = await handle(
        db, route_leads, [accepted, closed, ignored], clock=FixedClock(NOW), sla=SLA
    )
    assert assignees(routed) == ["rep-ben", "rep-eve", "rep-gil"]
    async with router_client(infra_env, FixedClock(NOW + 10 * MINUTE)) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        took = await client.post(f"/v1/assignments/{accepted.lead_id}/accept", headers=ben)
        junk = await client.post(
            f"/v1/assignments/{closed.lead_id}/feedback", json={"outcome": "junk"}, headers=ADMIN
        )
    assert took.status_code == 200 and junk.status_code == 202
    assert await expire(infra_env, NOW + timedelta(hours=2)) == 1
    assert (await now_at(db, accepted.lead_id))["attempt"] == 1
    assert (await now_at(db, closed.lead_id))["attempt"] == 1
    moved = await now_at(db, ignored.lead_id)
    assert (moved["assignee_id"], moved["attempt"]) == ("rep-ben", 2)  # Gil let it expire


async def test_a_partner_that_does_not_answer_loses_the_offer_to_the_next_then_a_rep(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("AU")
    routed = await handle(db, route_leads, [lead], clock=FixedClock(NOW), sla=SLA)
    assert assignees(routed) == ["partner-northwind"]
    assert await expire(infra_env, NOW + timedelta(hours=4)) == 1
    offered = await now_at(db, lead.lead_id)
    assert (offered["assignee_id"], offered["answer_by"]) == (
        "partner-outback",
        NOW + timedelta(hours=8),
    )
    assert await expire(infra_env, NOW + timedelta(hours=8)) == 1
    last = await now_at(db, lead.lead_id)
    assert (last["assignee_kind"], last["assignee_id"], last["attempt"]) == ("rep", "rep-kim", 3)
    assert last["answer_by"] == NOW + timedelta(hours=8, minutes=30)
    events = await staged_events(db, lead.lead_id)
    offers = [(e.data.partner_id, e.data.offered_at) for e in events if isinstance(e, LeadOffered)]
    assert offers == [
        ("partner-northwind", NOW),
        ("partner-outback", NOW + timedelta(hours=4)),
    ]


async def test_a_lead_handed_on_by_a_rejection_gets_the_configured_deadline(
    infra_env: Infra, db: Database
) -> None:
    """The API reads the SLA from the configuration file (the example's: 30 minutes)."""
    lead = scored("US")
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW))) == ["rep-ben"]
    assert (await now_at(db, lead.lead_id))["answer_by"] is None  # routed with no SLA
    later = NOW + timedelta(hours=1)
    async with router_client(infra_env, FixedClock(later)) as client:
        rejected = await client.post(f"/v1/assignments/{lead.lead_id}/reject", headers=ADMIN)
    assert rejected.status_code == 200, rejected.text
    assert (await now_at(db, lead.lead_id))["answer_by"] == later + 30 * MINUTE


async def test_the_consumers_chore_moves_expired_leads_with_the_configured_sla(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    await handle(db, route_leads, [lead], clock=FixedClock(NOW), sla=SLA)
    settings = infra_env.settings(RouterSettings, "router")
    at = FixedClock(NOW + 30 * MINUTE)
    runtime = build_runtime(ROUTER, settings, pool_size=2, role="consumer", ports={"clock": at})
    try:
        sla_chores = [chore for chore in ROUTER.chores if chore.name in {c.name for c in CHORES}]
        assert len(sla_chores) == len(CHORES)  # declared by the service
        for chore in sla_chores:
            await chore.run(runtime)
    finally:
        await runtime.db.dispose()
    moved = await now_at(db, lead.lead_id)
    assert (moved["assignee_id"], moved["attempt"]) == ("rep-eve", 2)
    assert moved["answer_by"] == NOW + 60 * MINUTE  # the example configuration's 30 minutes


async def test_expired_leads_move_in_batches_and_one_held_elsewhere_is_skipped(
    infra_env: Infra, db: Database
) -> None:
    leads = [scored("US") for _ in range(5)]
    await handle(db, route_leads, leads, clock=FixedClock(NOW), sla=SLA)
    async with db.driver_connection() as holder:  # an answer under way holds the first
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute(
            "SELECT 1 FROM router.assignments WHERE lead_id = $1 FOR UPDATE", leads[0].lead_id
        )
        assert await expire(infra_env, NOW + 30 * MINUTE, batch_size=2) == 4
        await transaction.rollback()
    assert [(await now_at(db, lead.lead_id))["attempt"] for lead in leads] == [1, 2, 2, 2, 2]
    assert await expire(infra_env, NOW + 30 * MINUTE, batch_size=2) == 1
    assert (await now_at(db, leads[0].lead_id))["attempt"] == 2


async def test_a_consumer_started_after_the_routing_moves_the_lead_on_through_the_broker(
    infra_env: Infra,
) -> None:
    """The whole way: one process routes the lead and is gone; a router consumer process
    started later (on a database of its own, the example configuration, a clock past the
    deadline) finds the stored deadline, moves the lead on, and its relay publishes the new
    ``lead.routed`` on the session's broker."""
    lead = scored("US")
    example = load_config(EXAMPLE_CONFIG, RouterConfig)
    with fresh_database(infra_env, ["router"]) as infra:
        async with infra.service_database("router") as first:
            await sync_config(first.unit_of_work(), example)
            routed = await handle(
                first, route_leads, [lead], clock=FixedClock(NOW), sla=example.sla
            )
        [given] = assignees(routed)
        settings = infra.settings(RouterSettings, "router", sla_check_interval_s=0.2)
        stop = asyncio.Event()
        later = {"clock": FixedClock(NOW + 31 * MINUTE)}
        worker = asyncio.create_task(ROUTER.run_consumer(settings, stop, later))
        try:
            moved = await routed_again(infra.kafka_bootstrap, lead.lead_id, worker)
        finally:
            stop.set()
            await worker
    assert moved.data.previous is not None and moved.data.previous.id == given
    assert moved.data.assignee.kind == "rep" and moved.data.assignee.id != given
    assert moved.data.rule_path[:2] == ("sla-expired", f"rep:{given}")


async def routed_again(bootstrap: str, lead_id: uuid.UUID, worker: asyncio.Task[None]) -> Any:
    """The lead's second ``lead.routed`` on the broker, once the relay published it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert not worker.done(), worker.exception()
        for event in await events_on(bootstrap, Topics.ROUTED):
            if (
                isinstance(event, LeadRouted)
                and event.lead_id == lead_id
                and event.data.attempt == 2
            ):
                return event
        await asyncio.sleep(0.3)
    raise AssertionError(f"no second lead.routed for {lead_id} on {Topics.ROUTED}")
