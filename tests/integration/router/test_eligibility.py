"""Reps' eligibility and the routing policy on real Postgres: what the configuration file
and the admin API store (and a sync keeps), the daily cap counted from the assignments of
the rep's own day, partners' rotation across batches, and the policy's rules in the stage."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.policy.repository import PolicyRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.db import Database
from leadflow_shared.events import LeadRouted
from tests.conftest import Infra
from tests.integration.router.kit import (
    ADMIN,
    NOW,
    FixedClock,
    assignees,
    router_client,
    scored,
    team_database,
)
from tests.support import handle

# NOW is Monday 30 November 2026, 12:00 UTC: 07:00 in New York, 13:00 in Copenhagen
TEAM = RouterConfig.model_validate(
    {
        "regions": {"nordics": ["DK", "SE", "NO", "FI"]},
        "reps": [
            {
                "id": "rep-cap",
                "name": "Cap",
                "territories": ["US"],
                "daily_cap": 2,
                "hours": {"tz": "America/New_York", "mon-sun": "00:00-24:00"},
            },
            {"id": "rep-dot", "name": "Dot", "territories": ["US"]},
            {
                "id": "rep-nor",
                "name": "Nor",
                "territories": ["nordics"],
                "languages": ["da", "sv", "en"],
                "segments": ["enterprise"],
                "hours": {"tz": "Europe/Copenhagen", "mon-fri": "09:00-17:00"},
                "out_of_office": [{"start": "2026-12-24", "end": "2026-12-26", "note": "Jul"}],
            },
        ],
        "partners": [
            {"id": "partner-a", "name": "A", "territories": ["AU"], "weight": 1},
            {"id": "partner-b", "name": "B", "territories": ["AU"], "weight": 2},
        ],
        "routing": {
            "segments": {"enterprise": 1000, "smb": 0},
            "rules": [
                {"name": "needs-review", "type": "review"},
                {"name": "partner-territory", "type": "partners"},
                {"name": "not-sales-ready", "type": "nurture"},
                {
                    "name": "nordic-enterprise",
                    "type": "reps",
                    "match": {"countries": ["nordics"]},
                    "fallback": "nordic",
                },
                {"name": "sales-ready", "type": "reps"},
            ],
        },
    }
)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        yield database


async def test_the_configuration_is_stored_and_read_back(db: Database) -> None:
    async with db.unit_of_work() as uow:
        states = {s.rep.id: s for s in await RepRepository(uow).lock_all(NOW)}
        policy = await PolicyRepository(uow).current()
    nor = states["rep-nor"].rep
    assert nor.territories == ("DK", "SE", "NO", "FI")
    assert (nor.languages, nor.segments) == (("da", "sv", "en"), ("enterprise",))
    assert nor.hours is not None and nor.hours.tz == "Europe/Copenhagen"
    assert nor == TEAM.reps[2]  # hours and out-of-office periods round-trip whole
    assert states["rep-dot"].rep.hours is None and states["rep-dot"].rep.daily_cap is None
    assert policy == TEAM.routing
    assert [r.name for r in policy.rules][3] == "nordic-enterprise"


async def test_the_daily_cap_counts_the_leads_since_midnight_in_the_reps_zone(
    db: Database,
) -> None:
    """Cap works in New York: an assignment at 23:30 there the day before is yesterday's,
    one at 00:30 today's. With one lead today and a cap of 2, Cap takes one more."""
    async with db.driver_connection() as conn:
        for routed_at in (
            datetime(2026, 11, 30, 4, 30, tzinfo=UTC),  # 23:30 on Sunday in New York
            datetime(2026, 11, 30, 5, 30, tzinfo=UTC),  # 00:30 on Monday
        ):
            await conn.execute(
                "INSERT INTO router.assignments (lead_id, assignee_kind, assignee_id,"
                " rule_path, reason, temperature, status, routed_at) VALUES ($1, 'rep',"
                " 'rep-cap', '[]', 'earlier', 'hot', 'sql', $2)",
                uuid.uuid4(),
                routed_at,
            )
    async with db.unit_of_work() as uow:
        states = await RepRepository(uow).lock_all(NOW)
        today = {s.rep.id: s.today for s in states if s.rep.active}
        assert today == {"rep-cap": 1, "rep-dot": 0, "rep-nor": 0}  # no cap: not counted
    first = await handle(db, route_leads, [scored("US") for _ in range(3)], clock=FixedClock(NOW))
    assert assignees(first) == ["rep-cap", "rep-dot", "rep-dot"]
    later = FixedClock(NOW + timedelta(minutes=5))
    assert assignees(await handle(db, route_leads, [scored("US")], clock=later)) == ["rep-dot"]


async def test_a_rule_of_the_policy_and_a_reps_hours_in_the_stage(db: Database) -> None:
    """A Danish enterprise lead goes to Nor at 13:00 in Copenhagen; at 18:00 it waits in the
    rule's own queue; a small company's lead matches the rule but not Nor: nurtured."""
    lead = scored("DK", custom={"company_size": "5000"})
    assert assignees(await handle(db, route_leads, [lead], clock=FixedClock(NOW))) == ["rep-nor"]
    evening = FixedClock(NOW + timedelta(hours=5))
    late, small = (
        scored("DK", custom={"company_size": "5000"}),
        scored("DK", custom={"company_size": "12"}),
    )
    routed = await handle(db, route_leads, [late, small], clock=evening)
    assert assignees(routed) == ["nordic", "nurture"]
    waits = routed[0]
    assert isinstance(waits, LeadRouted)
    assert waits.data.rule_path == ("nordic-enterprise", "country:DK", "none-available", "nordic")
    assert "outside working hours: Nor" in waits.data.reason


async def test_partners_share_a_territory_by_weight_across_batches(db: Database) -> None:
    got: list[str] = []
    for n in range(6):
        clock = FixedClock(NOW + timedelta(minutes=n))
        got += assignees(await handle(db, route_leads, [scored("AU", "cold", "lead")], clock=clock))
    assert got == ["partner-b", "partner-a", "partner-b"] * 2
    async with db.driver_connection() as conn:
        credits = dict(await conn.fetch("SELECT id, credit FROM router.partners WHERE active"))
    assert credits == {"partner-a": 0, "partner-b": 0}  # a whole cycle: back to even


async def test_the_admin_api_sets_a_rep_inactive_or_out_of_office_and_a_sync_keeps_it(
    infra_env: Infra, db: Database
) -> None:
    async with router_client(infra_env, FixedClock(NOW)) as client:
        shown = (await client.get("/v1/reps/rep-nor")).json()
        assert shown["hours"] == {"tz": "Europe/Copenhagen", "days": {"mon-fri": "09:00-17:00"}}
        assert shown["at_work"] is True and shown["away_now"] is None
        assert shown["out_of_office"] == [
            {"start": "2026-12-24", "end": "2026-12-26", "note": "Jul"}
        ]
        assert (
            await client.patch("/v1/admin/reps/rep-dot", json={"active": False})
        ).status_code == 401
        paused = await client.patch("/v1/admin/reps/rep-dot", json={"active": False}, headers=ADMIN)
        assert paused.status_code == 200, paused.text
        assert (paused.json()["active"], paused.json()["paused"]) == (False, True)
        away = await client.put(
            "/v1/admin/reps/rep-cap/out-of-office",
            json={"periods": [{"start": "2026-11-30", "end": "2026-12-01", "note": "ill"}]},
            headers=ADMIN,
        )
        assert away.status_code == 200, away.text
        assert away.json()["away_now"] == {
            "start": "2026-11-30",
            "end": "2026-12-01",
            "note": "ill",
        }
        missing = await client.put(
            "/v1/admin/reps/rep-nobody/out-of-office", json={"periods": []}, headers=ADMIN
        )
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_owner"
        wrong = await client.put(
            "/v1/admin/reps/rep-cap/out-of-office",
            json={"periods": [{"start": "2026-12-02", "end": "2026-12-01"}]},
            headers=ADMIN,
        )
        assert wrong.status_code == 422
    await sync_config(db.unit_of_work(), TEAM)  # the consumer starts again
    routed = await handle(db, route_leads, [scored("US")], clock=FixedClock(NOW))
    assert assignees(routed) == ["sales"]  # Dot inactive, Cap out of office
    assert isinstance(routed[0], LeadRouted)
    assert "out of office: Cap" in routed[0].data.reason
    async with router_client(infra_env, FixedClock(NOW)) as client:
        back = await client.patch("/v1/admin/reps/rep-dot", json={"active": True}, headers=ADMIN)
        assert back.json()["active"] is True
        cleared = await client.put(
            "/v1/admin/reps/rep-cap/out-of-office", json={"periods": []}, headers=ADMIN
        )
        assert cleared.json()["away_now"] is None
        reps = {r["id"]: r for r in (await client.get("/v1/reps")).json()}
        assert reps["rep-cap"]["daily_cap"] == 2 and reps["rep-cap"]["out_of_office"] == []


async def test_claims_respect_the_daily_cap_and_the_admin_apis_pause(
    infra_env: Infra, db: Database
) -> None:
    """Cap has had two leads today (his cap) and Dot is paused: neither claims the lead
    waiting in the sales queue (409); lifted, Dot claims it."""
    async with db.driver_connection() as conn:
        await conn.execute(
            "INSERT INTO router.assignments (lead_id, assignee_kind, assignee_id, rule_path,"
            " reason, temperature, status, routed_at) SELECT gen_random_uuid(), 'rep', 'rep-cap',"
            " '[]', 'earlier', 'hot', 'sql', $1 FROM generate_series(1, 2)",
            NOW - timedelta(hours=1),
        )
        await conn.execute("UPDATE reps SET paused = true WHERE id = 'rep-dot'")
    waiting = await handle(db, route_leads, [scored("US")], clock=FixedClock(NOW))
    assert assignees(waiting) == ["sales"]
    async with router_client(infra_env, FixedClock(NOW)) as client:
        capped = await client.post("/v1/reps/rep-cap/claim", headers=ADMIN)
        assert capped.status_code == 409 and "daily cap" in capped.json()["error"]["message"]
        paused = await client.post("/v1/reps/rep-dot/claim", headers=ADMIN)
        assert (paused.status_code, paused.json()["error"]["code"]) == (409, "rep_inactive")
        await client.patch("/v1/admin/reps/rep-dot", json={"active": True}, headers=ADMIN)
        claimed = await client.post("/v1/reps/rep-dot/claim", headers=ADMIN)
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["lead_id"] == str(waiting[0].lead_id)


BY_COMPANY = RouterConfig.model_validate(
    {
        "reps": [
            {"id": "rep-one", "name": "One", "territories": ["US"]},
            {"id": "rep-two", "name": "Two", "territories": ["US"]},
        ],
        "routing": {
            "rules": [
                {"name": "owner", "type": "owner", "by": ["person", "company"]},
                {"name": "sales-ready", "type": "reps"},
            ]
        },
    }
)


async def test_by_company_the_company_stays_with_its_rep_across_batches(
    infra_env: Infra,
) -> None:
    """Every lead of the golden sample writes from example.com: with ``by: [person,
    company]`` the first goes round the rotation and the rest follow it, batch after
    batch; a free-mail address is nobody's company."""
    async with team_database(infra_env, BY_COMPANY) as db:
        async with db.driver_connection() as conn:
            await conn.execute("DELETE FROM router.company_owners")
        first = await handle(db, route_leads, [scored("US"), scored("US")], clock=FixedClock(NOW))
        later = FixedClock(NOW + timedelta(minutes=1))
        second = await handle(db, route_leads, [scored("US")], clock=later)
        free = scored("US", findings=["free_mail"])
        third = await handle(db, route_leads, [free], clock=later)
        async with db.driver_connection() as conn:
            owners = await conn.fetch("SELECT domain, assignee_id FROM router.company_owners")
    assert assignees(first) == ["rep-one", "rep-one"]
    assert assignees(second) == ["rep-one"]
    assert isinstance(second[0], LeadRouted)
    assert second[0].data.rule_path == ("owner", "company:example.com", "rep-one")
    assert assignees(third) == ["rep-two"]  # the rotation, where it stood
    assert [tuple(r) for r in owners] == [("example.com", "rep-one")]


ONE_A_DAY = RouterConfig.model_validate(
    {"reps": [{"id": "rep-once", "name": "Once", "territories": ["US"], "daily_cap": 1}]}
)


async def test_the_daily_cap_holds_when_batches_are_routed_at_the_same_time(
    infra_env: Infra,
) -> None:
    """Two batches at once: the second waits for the reps' lock, then counts the first's
    assignment (read after the lock), so Once gets one lead and the other waits."""
    async with team_database(infra_env, ONE_A_DAY) as db:
        batches = await asyncio.gather(
            *(handle(db, route_leads, [scored("US")], clock=FixedClock(NOW)) for _ in range(2))
        )
    assert sorted(a for batch in batches for a in assignees(batch)) == ["rep-once", "sales"]
