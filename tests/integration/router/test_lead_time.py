"""Lead time on real Postgres: capture → first touch (accepted or contacted) and capture →
conversion recorded once per lead with its rep or partner, observed as Prometheus
histograms, and reported per rep and partner (count, p50, p90) to the admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig
from leadflow_shared.db import Database
from tests.conftest import Infra
from tests.integration.router.kit import (
    ADMIN,
    FixedClock,
    assignees,
    bearer,
    issue_key,
    router_client,
    scored,
    team_database,
)
from tests.support import handle

TEAM = RouterConfig.model_validate(
    {
        "reps": [{"id": "rep-ben", "name": "Ben", "territories": ["US"]}],
        "partners": [{"id": "partner-northwind", "name": "Northwind", "territories": ["AU"]}],
    }
)
# captured at a time of their own, so that the report's ``since`` picks this test's leads
CAPTURED = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        yield database


def lead_from(country: str, captured: datetime = CAPTURED) -> Any:
    return scored(country, received_at=captured.isoformat())


def observed(metric: str, kind: str, who: str) -> float:
    value = REGISTRY.get_sample_value(
        f"leadflow_router_lead_time_{metric}_seconds_count",
        {"assignee_kind": kind, "assignee_id": who},
    )
    return value or 0.0


async def times_of(db: Database, lead: Any) -> dict[str, Any]:
    async with db.driver_connection() as conn:
        row = await conn.fetchrow(
            "SELECT * FROM router.lead_times WHERE lead_id = $1", lead.lead_id
        )
    return dict(row) if row else {}


async def test_the_first_touch_and_the_conversion_are_recorded_once(
    infra_env: Infra, db: Database
) -> None:
    lead = lead_from("US")
    routed = await handle(db, route_leads, [lead], clock=FixedClock(CAPTURED + MINUTE))
    assert assignees(routed) == ["rep-ben"]
    touches = observed("first_touch", "rep", "rep-ben")
    conversions = observed("conversion", "rep", "rep-ben")
    path = f"/v1/assignments/{lead.lead_id}"
    async with router_client(infra_env, FixedClock(CAPTURED + 10 * MINUTE)) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        assert (await client.post(f"{path}/accept", headers=ben)).status_code == 200
    async with router_client(infra_env, FixedClock(CAPTURED + 50 * MINUTE)) as client:
        contacted = await client.post(
            f"{path}/feedback", json={"outcome": "contacted"}, headers=ben
        )
    assert contacted.status_code == 202
    assert observed("first_touch", "rep", "rep-ben") == touches + 1  # the acceptance only
    assert observed("conversion", "rep", "rep-ben") == conversions
    async with router_client(infra_env, FixedClock(CAPTURED + timedelta(days=2))) as client:
        for _ in range(2):  # reported twice: the first one counts
            won = await client.post(f"{path}/feedback", json={"outcome": "converted"}, headers=ben)
            assert won.status_code == 202
    assert observed("conversion", "rep", "rep-ben") == conversions + 1
    times = await times_of(db, lead)
    assert times["received_at"] == CAPTURED
    assert (times["first_touch_at"], times["first_touch_kind"], times["first_touch_id"]) == (
        CAPTURED + 10 * MINUTE,
        "rep",
        "rep-ben",
    )
    assert (times["converted_at"], times["converted_id"]) == (
        CAPTURED + timedelta(days=2),
        "rep-ben",
    )


async def test_a_rejection_or_other_feedback_is_no_touch(infra_env: Infra, db: Database) -> None:
    lead = lead_from("US")
    await handle(db, route_leads, [lead], clock=FixedClock(CAPTURED))
    async with router_client(infra_env, FixedClock(CAPTURED + MINUTE)) as client:
        junk = await client.post(
            f"/v1/assignments/{lead.lead_id}/feedback", json={"outcome": "junk"}, headers=ADMIN
        )
    assert junk.status_code == 202
    assert await times_of(db, lead) == {}


async def test_the_report_gives_counts_and_percentiles_per_rep_and_partner(
    infra_env: Infra, db: Database
) -> None:
    since = CAPTURED + timedelta(days=30)  # this test's leads only
    reps = [lead_from("US", since + timedelta(hours=n)) for n in range(3)]
    partner, before = lead_from("AU", since), lead_from("US", since - timedelta(days=1))
    await handle(db, route_leads, [*reps, partner, before], clock=FixedClock(since))
    async with router_client(infra_env) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        northwind = bearer(await issue_key(client, "partner", "partner-northwind"))
    touched = [*zip(reps, (10, 20, 30), strict=True), (partner, 60), (before, 5)]
    for lead, minutes in touched:
        key = northwind if lead is partner else ben
        captured = lead.data.lead.received_at
        async with router_client(infra_env, FixedClock(captured + minutes * MINUTE)) as client:
            accepted = await client.post(f"/v1/assignments/{lead.lead_id}/accept", headers=key)
            assert accepted.status_code == 200, accepted.text
    async with router_client(
        infra_env, FixedClock(reps[0].data.lead.received_at + 4 * 60 * MINUTE)
    ) as client:
        won = await client.post(
            f"/v1/assignments/{reps[0].lead_id}/feedback",
            json={"outcome": "converted"},
            headers=ben,
        )
        assert won.status_code == 202
        report = await client.get(
            "/v1/reports/lead-time", params={"since": since.isoformat()}, headers=ADMIN
        )
        by_rep = await client.get("/v1/reports/lead-time", headers=ben)
        naive = await client.get(
            "/v1/reports/lead-time", params={"since": "2031-01-01T00:00:00"}, headers=ADMIN
        )
        everything = await client.get("/v1/reports/lead-time", headers=ADMIN)
    assert report.status_code == 200, report.text
    assert report.json() == {
        "since": since.isoformat().replace("+00:00", "Z"),
        "first_touch": [
            {
                "assignee": {"kind": "partner", "id": "partner-northwind"},
                "count": 1,
                "p50_seconds": 3600.0,
                "p90_seconds": 3600.0,
            },
            {
                "assignee": {"kind": "rep", "id": "rep-ben"},
                "count": 3,
                "p50_seconds": 1200.0,
                "p90_seconds": 1680.0,  # 1200 + 0.8 * 600, interpolated
            },
        ],
        "conversion": [
            {
                "assignee": {"kind": "rep", "id": "rep-ben"},
                "count": 1,
                "p50_seconds": 14400.0,
                "p90_seconds": 14400.0,
            }
        ],
    }
    assert by_rep.status_code == 401  # the admin key's report
    assert naive.status_code == 422  # a time without its zone is refused
    rows = {(r["assignee"]["id"], r["count"]) for r in everything.json()["first_touch"]}
    assert any(who == "rep-ben" and count >= 4 for who, count in rows)  # the one before too
