"""router's features on real Postgres: a batch of scored leads routed in a few set-based
statements, round robin kept across and within batches, partners offered their leads, no
lead routed twice; and the read API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.service import SERVICE as ROUTER
from leadflow_router.settings import RouterSettings
from leadflow_shared.config import load_config
from leadflow_shared.db import Database
from leadflow_shared.events import (
    LeadFeedback,
    LeadOffered,
    LeadRouted,
    Topics,
    parse_event,
)
from tests.conftest import EXAMPLE_CONFIG, Infra
from tests.integration.router.kit import NOW, FixedClock, assignees, scored
from tests.support import api_client, handle

TEAM = RouterConfig.model_validate(
    {
        "reps": [
            {"id": "rep-ben", "name": "Ben", "territories": ["US", "CA"]},
            {"id": "rep-eve", "name": "Eve", "territories": ["US"]},
        ],
        "partners": [{"id": "partner-northwind", "name": "Northwind", "territories": ["AU"]}],
    }
)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("router") as database:
        await sync_config(database.unit_of_work(), TEAM)
        async with database.driver_connection() as conn:  # a clean round robin
            await conn.execute(
                "UPDATE reps SET last_assigned_at = NULL, assigned_total = 0, credit = 0,"
                " open_leads = 0"
            )
        yield database
        await sync_config(database.unit_of_work(), load_config(EXAMPLE_CONFIG, RouterConfig))


async def test_round_robin_holds_within_a_batch_and_across_batches(db: Database) -> None:
    first = await handle(db, route_leads, [scored("US") for _ in range(3)], clock=FixedClock(NOW))
    later = FixedClock(NOW + timedelta(minutes=1))
    second = await handle(db, route_leads, [scored("US") for _ in range(2)], clock=later)
    # Neither was ever assigned: the id breaks the tie; then whoever waited longest.
    assert assignees(first) == ["rep-ben", "rep-eve", "rep-ben"]
    assert assignees(second) == ["rep-eve", "rep-ben"]


async def test_a_partner_lead_is_routed_and_offered_on_the_partners_topic(db: Database) -> None:
    lead = scored("AU", temperature="cold", status="lead")
    routed, offered = await handle(db, route_leads, [lead], clock=FixedClock(NOW))
    assert isinstance(routed, LeadRouted) and isinstance(offered, LeadOffered)
    assert routed.data.assignee.kind == "partner" and offered.data.offered_at == NOW
    assert offered.data.partner_id == "partner-northwind" == routed.data.assignee.id
    assert routed.causation_id == offered.causation_id == lead.id
    assert Topics.partner("partner-northwind") == "partner.partner-northwind.leads.v1"


async def test_a_lead_routed_before_is_not_routed_again_and_takes_no_turn(db: Database) -> None:
    lead = scored("US")
    copy = lead.model_copy(update={"id": uuid.uuid4()})
    assert assignees(await handle(db, route_leads, [lead, copy], clock=FixedClock(NOW))) == [
        "rep-ben"
    ]
    again = FixedClock(NOW + timedelta(minutes=1))
    assert await handle(db, route_leads, [copy], clock=again) == []
    assert assignees(await handle(db, route_leads, [scored("CA")], clock=again)) == ["rep-ben"]
    assert assignees(await handle(db, route_leads, [scored("US")], clock=again)) == ["rep-eve"]


async def test_the_read_api_shows_reps_partners_and_where_a_lead_went(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    await handle(db, route_leads, [lead, scored("US"), scored("US")], clock=FixedClock(NOW))
    app = ROUTER.create_app(infra_env.settings(RouterSettings, "router"))
    async with api_client(app, "router") as client:
        reps = {r["id"]: r for r in (await client.get("/v1/reps")).json()}
        partners = (await client.get("/v1/partners")).json()
        assignment = await client.get(f"/v1/leads/{lead.lead_id}/assignment")
        missing = await client.get(f"/v1/leads/{uuid.uuid4()}/assignment")
    assert reps["rep-ben"]["assigned_total"] == 2 and reps["rep-eve"]["assigned_total"] == 1
    assert reps["rep-ben"]["territories"] == ["US", "CA"] and reps["rep-ben"]["active"]
    assert datetime.fromisoformat(reps["rep-ben"]["last_assigned_at"]) == NOW + timedelta(
        microseconds=2
    )
    assert not reps["rep-anna"]["active"]  # no longer configured: kept, but inactive
    assert {p["id"]: p["active"] for p in partners}["partner-northwind"] is True
    body = assignment.json()
    assert (body["assignee_kind"], body["assignee_id"]) == ("rep", "rep-ben")
    assert body["rule_path"][-2:] == ["round-robin", "rep-ben"] and body["temperature"] == "hot"
    assert missing.status_code == 404


async def test_review_leads_are_queued_and_repeats_go_to_the_first_leads_rep(
    db: Database,
) -> None:
    first = scored("US")
    review = scored(
        "US",
        outcome="needs_review",
        review_reasons=[{"code": "disposable_domain", "message": "mailinator.com is disposable"}],
    )
    published = await handle(db, route_leads, [first, review], clock=FixedClock(NOW))
    by_lead = {e.lead_id: e for e in published if isinstance(e, LeadRouted)}
    owner = by_lead[first.lead_id].data.assignee
    queued = by_lead[review.lead_id].data
    assert owner.kind == "rep"
    assert (queued.assignee.kind, queued.assignee.id) == ("queue", "review")
    assert "mailinator.com is disposable" in queued.reason

    # later, the same person again (cold): the first lead's rep has it, read in one statement
    again = scored("US", temperature="cold", status="lead", duplicate_of=str(first.lead_id))
    later = FixedClock(NOW + timedelta(minutes=1))
    (routed,) = await handle(db, route_leads, [again], clock=later)
    assert isinstance(routed, LeadRouted)
    assert routed.data.assignee == owner and routed.data.rule_path[0] == "repeat"


async def test_feedback_is_published_and_closing_feedback_frees_a_reps_place(
    infra_env: Infra, db: Database
) -> None:
    settings = infra_env.settings(
        RouterSettings, "router", admin_api_key="router-admin-key-0123456789"
    )
    key = {"Authorization": "Bearer router-admin-key-0123456789"}
    async with db.driver_connection() as conn:  # Ben has room for one more lead
        await conn.execute("UPDATE reps SET capacity = 1 WHERE id IN ('rep-ben', 'rep-eve')")
    first, second = scored("CA"), scored("CA")  # only Ben covers CA
    routed = await handle(db, route_leads, [first, second], clock=FixedClock(NOW))
    assert assignees(routed) == ["rep-ben", "sales"]
    app = ROUTER.create_app(settings)
    async with api_client(app, "router") as client:
        path = f"/v1/assignments/{first.lead_id}/feedback"
        refused = await client.post(path, json={"outcome": "contacted"})
        contacted = await client.post(
            path, json={"outcome": "contacted", "note": "call"}, headers=key
        )
        still_full = assignees(await handle(db, route_leads, [scored("CA")], clock=FixedClock(NOW)))
        converted = await client.post(path, json={"outcome": "converted"}, headers=key)
        again = await client.post(path, json={"outcome": "junk"}, headers=key)
        unknown = await client.post(
            f"/v1/assignments/{uuid.uuid4()}/feedback", json={"outcome": "dead"}, headers=key
        )
        invalid = await client.post(path, json={"outcome": "great"}, headers=key)
        reps = {r["id"]: r for r in (await client.get("/v1/reps")).json()}
    assert refused.status_code == 401 and unknown.status_code == 404
    assert invalid.status_code == 422
    assert contacted.status_code == 202 and contacted.json()["closed"] is False
    assert still_full == ["sales"]  # contacted is no close: Ben is still full
    assert converted.status_code == 202 and converted.json()["closed"] is True
    assert again.status_code == 202 and again.json()["closed"] is True
    assert reps["rep-ben"]["open_leads"] == 0  # freed once, though closed twice
    assert assignees(await handle(db, route_leads, [scored("CA")], clock=FixedClock(NOW))) == [
        "rep-ben"
    ]
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT value FROM router.outbox WHERE key = $1 ORDER BY id",
            str(first.lead_id).encode(),
        )
    outcomes = [
        e.data.outcome
        for e in map(parse_event, (r["value"] for r in rows))
        if isinstance(e, LeadFeedback)
    ]
    assert outcomes == ["contacted", "converted", "junk"]
