"""Partner webhooks on real Postgres, outbound HTTP faked by httpx.MockTransport: an offer
staged with its delivery in one transaction, posted signed once; retried after a 5xx,
refused for good after a 4xx; an endpoint that keeps failing marked unhealthy (skipped by
routing, its deliveries waiting) until a probe finds it answering; and nothing lost when a
process dies between taking a delivery and recording it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.webhooks.delivery import Deliverer, deliver_due, prune_finished
from leadflow_router.webhooks.domain import DeliveryPolicy
from leadflow_router.webhooks.ports import Secrets, WebhookClient
from leadflow_router.webhooks.repository import DeliveryRepository
from leadflow_shared.db import Database
from leadflow_shared.events import LeadOffered, LeadRouted
from leadflow_shared.signing import SIGNATURE_HEADER, verify_signature
from tests.conftest import Infra
from tests.integration.router.kit import (
    NOW,
    FixedClock,
    assignees,
    bearer,
    issue_key,
    router_client,
    scored,
    team_database,
)
from tests.support import handle

NORTHWIND_URL = "https://northwind.example/leadflow/offers"
NORTHWIND_SECRET = "northwind-secret-0123"
GLOBEX_URL = "https://globex.example/hooks"
GLOBEX_SECRET = "globex-secret-from-env"
GLOBEX_ENV = "LEADFLOW_PARTNER_GLOBEX_SECRET"
TEAM = RouterConfig.model_validate(
    {
        "reps": [{"id": "rep-ben", "name": "Ben", "territories": ["US"]}],
        "partners": [
            {
                "id": "partner-northwind",
                "name": "Northwind",
                "territories": ["AU"],
                "webhook": {"url": NORTHWIND_URL, "secret": NORTHWIND_SECRET},
            },
            {
                "id": "partner-globex",
                "name": "Globex",
                "territories": ["BR"],
                "webhook": {"url": GLOBEX_URL, "secret_env": GLOBEX_ENV},
            },
            {"id": "partner-initech", "name": "Initech", "territories": ["MX"]},
        ],
    }
)
POLICY = DeliveryPolicy(
    max_attempts=3, backoff_initial_s=2, backoff_max_s=8, unhealthy_after=3, cooldown_s=60
)
PAST_BACKOFF = timedelta(seconds=9)  # beyond any backoff of POLICY


@dataclass
class Endpoint:
    """A partner's endpoint: answers as scripted (the last answer repeats), keeps what it
    was sent."""

    answers: list[int | tuple[int, dict[str, str]] | Exception]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers)

    def to(self, url: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) == url]


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        async with database.driver_connection() as conn:
            await conn.execute("DELETE FROM router.webhook_deliveries")
            await conn.execute(
                "UPDATE router.partner_webhooks SET healthy = true, failures = 0,"
                " probe_at = NULL, last_success_at = NULL, last_failure_at = NULL,"
                " last_error = NULL"
            )
        yield database


def deliverer(endpoint: Endpoint, clock: FixedClock, **environ: str) -> Deliverer:
    return Deliverer(
        client=WebhookClient(5.0, httpx.MockTransport(endpoint)),
        secrets=Secrets({GLOBEX_ENV: GLOBEX_SECRET, **environ}),
        clock=clock,
        policy=POLICY,
        batch_size=10,
        concurrency=4,
    )


async def deliveries(db: Database) -> list[dict[str, Any]]:
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT event_id, partner_id, lead_id, state, attempts, next_attempt_at,"
            " last_status, last_error FROM router.webhook_deliveries ORDER BY id"
        )
    return [dict(r) for r in rows]


async def offer(db: Database, country: str, at: datetime = NOW) -> LeadOffered:
    """Route a cold lead from ``country`` (a partner's territory): its offer."""
    published = await handle(
        db, route_leads, [scored(country, "cold", "lead")], clock=FixedClock(at)
    )
    offered = [e for e in published if isinstance(e, LeadOffered)]
    assert len(offered) == 1, published
    return offered[0]


def posted(metric_partner: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "leadflow_router_webhook_posts_total", {"partner": metric_partner, "outcome": outcome}
    )
    return value or 0.0


async def test_an_offer_is_posted_signed_once(db: Database) -> None:
    before = posted("partner-northwind", "delivered")
    offered = await offer(db, "AU")
    await offer(db, "MX")  # a partner without a webhook: its topic only
    assert [(d["partner_id"], d["state"], d["attempts"]) for d in await deliveries(db)] == [
        ("partner-northwind", "pending", 0)
    ]
    endpoint, clock = Endpoint([204]), FixedClock(NOW)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, clock)) == 1
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, clock)) == 0
    (request,) = endpoint.requests
    assert str(request.url) == NORTHWIND_URL
    verified = verify_signature(
        NORTHWIND_SECRET,
        request.headers[SIGNATURE_HEADER],
        request.content,
        now=NOW.timestamp(),
        tolerance_s=300,
    )
    assert verified.timestamp == int(NOW.timestamp())
    assert request.headers["X-Leadflow-Event-Id"] == str(offered.id)
    assert request.headers["X-Leadflow-Delivery-Attempt"] == "1"
    assert request.content == offered.kafka_value()  # the event as on the partner's topic
    async with db.driver_connection() as conn:
        on_topic = await conn.fetchval(
            "SELECT value FROM router.outbox WHERE event_id = $1", offered.id
        )
    assert on_topic == request.content
    body = json.loads(request.content)
    assert body["type"] == "lead.offered" and body["data"]["partner_id"] == "partner-northwind"
    (delivered,) = await deliveries(db)
    assert (delivered["state"], delivered["attempts"], delivered["last_status"]) == (
        "delivered",
        1,
        204,
    )
    assert posted("partner-northwind", "delivered") == before + 1


async def test_the_offer_a_partner_gets_holds_nothing_it_may_not_see(db: Database) -> None:
    offered = await offer(db, "AU")
    endpoint = Endpoint([200])
    await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(NOW)))
    data = json.loads(endpoint.requests[0].content)["data"]
    assert set(data) == {"partner_id", "contact", "cta", "message", "temperature", "offered_at"}
    text = endpoint.requests[0].content.decode()
    for internal in ("explanation", "rule_path", "score", "rules_version", "checks", "rep-ben"):
        assert internal not in text, internal
    assert offered.data.partner_id == "partner-northwind"


async def test_a_secret_named_in_the_environment_signs_and_is_never_stored(
    db: Database,
) -> None:
    await offer(db, "BR")
    endpoint, clock = Endpoint([200]), FixedClock(NOW)
    unset = deliverer(endpoint, clock, **{GLOBEX_ENV: ""})
    assert await deliver_due(db.unit_of_work, unset) == 0  # waits for its secret
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, clock)) == 1
    (request,) = endpoint.to(GLOBEX_URL)
    verify_signature(
        GLOBEX_SECRET,
        request.headers[SIGNATURE_HEADER],
        request.content,
        now=NOW.timestamp(),
        tolerance_s=300,
    )
    async with db.driver_connection() as conn:
        stored = await conn.fetchrow(
            "SELECT secret, secret_env FROM router.partner_webhooks"
            " WHERE partner_id = 'partner-globex'"
        )
    assert (stored["secret"], stored["secret_env"]) == (None, GLOBEX_ENV)


async def test_a_post_that_fails_is_tried_again_then_delivered(db: Database) -> None:
    await offer(db, "AU")
    endpoint = Endpoint([500, 200])
    first = FixedClock(NOW)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, first)) == 1
    (waiting,) = await deliveries(db)
    assert (waiting["state"], waiting["attempts"], waiting["last_error"]) == (
        "pending",
        1,
        "HTTP 500",
    )
    assert NOW + timedelta(seconds=1) <= waiting["next_attempt_at"] <= NOW + timedelta(seconds=2)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, first)) == 0  # not yet due
    later = FixedClock(NOW + PAST_BACKOFF)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, later)) == 1
    (done,) = await deliveries(db)
    assert (done["state"], done["attempts"]) == ("delivered", 2)
    assert [r.headers["X-Leadflow-Delivery-Attempt"] for r in endpoint.requests] == ["1", "2"]
    # each attempt signed anew
    assert len({r.headers[SIGNATURE_HEADER] for r in endpoint.requests}) == 2


async def test_retry_after_and_dropped_connections_are_waited_out(db: Database) -> None:
    await offer(db, "AU")
    endpoint = Endpoint([(503, {"Retry-After": "120"}), httpx.ConnectError("refused"), 200])
    await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(NOW)))
    (waiting,) = await deliveries(db)
    assert waiting["next_attempt_at"] == NOW + timedelta(seconds=120)
    assert (
        await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(NOW + PAST_BACKOFF))) == 0
    )
    await deliver_due(
        db.unit_of_work, deliverer(endpoint, FixedClock(NOW + timedelta(seconds=120)))
    )
    (dropped,) = await deliveries(db)
    assert (dropped["state"], dropped["last_error"]) == ("pending", "no connection (ConnectError)")
    await deliver_due(
        db.unit_of_work, deliverer(endpoint, FixedClock(NOW + timedelta(seconds=130)))
    )
    assert (await deliveries(db))[0]["state"] == "delivered"


async def test_a_refusal_fails_for_good_and_is_recorded(db: Database) -> None:
    await offer(db, "AU")
    endpoint = Endpoint([400, 200])
    await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(NOW)))
    later = FixedClock(NOW + timedelta(hours=1))
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, later)) == 0
    (failed,) = await deliveries(db)
    assert (failed["state"], failed["attempts"], failed["last_status"]) == ("failed", 1, 400)
    assert failed["last_error"] == "HTTP 400: refused, not retried"
    assert len(endpoint.requests) == 1
    partners = {p.id: p for p in await _partners(db)}
    assert partners["partner-northwind"].healthy  # it answered: no outage


async def test_a_delivery_is_given_up_after_its_attempts(db: Database) -> None:
    await offer(db, "AU")
    endpoint = Endpoint([500, 500, 502, 200])
    for n in range(3):
        await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(NOW + n * PAST_BACKOFF)))
    (failed,) = await deliveries(db)
    assert (failed["state"], failed["attempts"]) == ("failed", 3)
    assert failed["last_error"] == "HTTP 502: gave up after 3 attempts"


async def _partners(db: Database) -> list[Any]:
    async with db.unit_of_work() as uow:
        return await PartnerRepository(uow).all()


async def test_an_endpoint_that_keeps_failing_is_skipped_until_a_probe_succeeds(
    infra_env: Infra, db: Database
) -> None:
    for _ in range(4):
        await offer(db, "AU")
    endpoint = Endpoint([503, 503, 503])  # three at once: the third failure in a row
    clock = FixedClock(NOW)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, clock)) == 4
    # the fourth went in the same batch; the endpoint is unhealthy now
    northwind = {p.id: p for p in await _partners(db)}["partner-northwind"]
    assert not northwind.healthy
    assert {d["state"] for d in await deliveries(db)} == {"pending"}
    # routing skips it: a lead from its territory goes elsewhere (cold: nurture)
    skipped = await handle(db, route_leads, [scored("AU", "cold", "lead")], clock=clock)
    assert assignees(skipped) == ["nurture"]
    assert not any(isinstance(e, LeadOffered) for e in skipped)
    async with router_client(infra_env) as client:
        shown = {p["id"]: p for p in (await client.get("/v1/partners")).json()}
    health = shown["partner-northwind"]["webhook_health"]
    assert health["healthy"] is False and health["failures_in_a_row"] == 4
    assert health["pending"] == 4 and health["last_error"] == "HTTP 503"
    assert health["next_probe_at"] is not None
    assert shown["partner-initech"]["webhook_health"] is None
    assert "url" not in health and NORTHWIND_SECRET not in json.dumps(shown)
    gauge = {"partner": "partner-northwind"}
    assert REGISTRY.get_sample_value("leadflow_router_webhook_healthy", gauge) == 0
    # during the cool-down nothing is posted, even when its deliveries are due
    cooling = FixedClock(NOW + timedelta(seconds=59))
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, cooling)) == 0
    # after it, one probe; it fails: another cool-down, nothing given up
    probe_time = NOW + timedelta(seconds=60)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, FixedClock(probe_time))) == 1
    assert {d["state"] for d in await deliveries(db)} == {"pending"}
    assert max(d["attempts"] for d in await deliveries(db)) == 2  # past max_attempts: kept
    # the next probe succeeds: healthy again, and the rest go out
    endpoint.answers = [200]
    recovered = FixedClock(probe_time + timedelta(seconds=60))
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, recovered)) == 1
    assert {p.id: p for p in await _partners(db)}["partner-northwind"].healthy
    assert REGISTRY.get_sample_value("leadflow_router_webhook_healthy", gauge) == 1
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, recovered)) == 3
    assert [d["state"] for d in await deliveries(db)] == ["delivered"] * 4
    routed = await handle(db, route_leads, [scored("AU", "cold", "lead")], clock=recovered)
    assert assignees(routed) == ["partner-northwind"]


async def test_nothing_is_lost_when_a_process_dies_while_posting(
    infra_env: Infra, db: Database
) -> None:
    offered = await offer(db, "AU")
    # a process took the delivery, then died before it could record what came of it
    async with db.unit_of_work() as uow:
        repo = DeliveryRepository(uow)
        taken = await repo.take_due(["partner-northwind"], NOW, 10)
        await repo.lease(taken, NOW + timedelta(seconds=40))
        await uow.commit()
    # another process (its own connections) waits out the lease, then posts it
    async with infra_env.service_database("router") as restarted:
        endpoint = Endpoint([200])
        early = FixedClock(NOW + timedelta(seconds=39))
        assert await deliver_due(restarted.unit_of_work, deliverer(endpoint, early)) == 0
        late = FixedClock(NOW + timedelta(seconds=40))
        assert await deliver_due(restarted.unit_of_work, deliverer(endpoint, late)) == 1
    assert endpoint.requests[0].headers["X-Leadflow-Event-Id"] == str(offered.id)
    assert [d["state"] for d in await deliveries(db)] == ["delivered"]


async def test_an_offer_rolled_back_stages_no_delivery(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await route_leads(uow, [scored("AU", "cold", "lead")], clock=FixedClock(NOW))
        assert any(isinstance(m.event, LeadRouted) for m in uow.staged)
        # leaving without commit
    assert await deliveries(db) == []


async def test_a_new_url_is_healthy_again_and_a_removed_webhook_keeps_its_deliveries(
    db: Database,
) -> None:
    await offer(db, "AU")
    await deliver_due(db.unit_of_work, deliverer(Endpoint([503]), FixedClock(NOW)))
    async with db.driver_connection() as conn:
        await conn.execute(
            "UPDATE router.partner_webhooks SET healthy = false, failures = 7"
            " WHERE partner_id = 'partner-northwind'"
        )
    moved = TEAM.model_copy(
        update={
            "partners": tuple(
                p.model_copy(update={"webhook": p.webhook.model_copy(update={"url": GLOBEX_URL})})
                if p.id == "partner-northwind" and p.webhook is not None
                else p
                for p in TEAM.partners
            )
        }
    )
    await sync_config(db.unit_of_work(), moved)
    assert {p.id: p for p in await _partners(db)}["partner-northwind"].healthy
    without = TEAM.model_copy(
        update={"partners": tuple(p.model_copy(update={"webhook": None}) for p in TEAM.partners)}
    )
    await sync_config(db.unit_of_work(), without)
    endpoint = Endpoint([200])
    later = FixedClock(NOW + timedelta(hours=1))
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, later)) == 0
    assert [d["state"] for d in await deliveries(db)] == ["pending"]  # waits, not lost
    await sync_config(db.unit_of_work(), TEAM)
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, later)) == 1
    assert [d["state"] for d in await deliveries(db)] == ["delivered"]


async def test_old_finished_deliveries_are_pruned(db: Database) -> None:
    await offer(db, "AU")
    await deliver_due(db.unit_of_work, deliverer(Endpoint([200]), FixedClock(NOW)))
    assert len(await deliveries(db)) == 1
    day_later = FixedClock(NOW + timedelta(days=6, hours=23))
    assert await prune_finished(db.unit_of_work, deliverer(Endpoint([200]), day_later)) == 0
    week_later = FixedClock(NOW + timedelta(days=7, seconds=1))
    assert await prune_finished(db.unit_of_work, deliverer(Endpoint([200]), week_later)) == 1
    assert await deliveries(db) == []


async def test_an_offer_handed_on_by_a_rejection_is_delivered_and_the_rejected_one_withdrawn(
    infra_env: Infra, db: Database
) -> None:
    outback_url = "https://outback.example/hooks"
    team = TEAM.model_copy(
        update={
            "partners": (
                *TEAM.partners,
                RouterConfig.model_validate(
                    {
                        "partners": [
                            {
                                "id": "partner-outback",
                                "name": "Outback",
                                "territories": ["AU"],
                                "webhook": {"url": outback_url, "secret": "outback-secret-42"},
                            }
                        ]
                    }
                ).partners[0],
            )
        }
    )
    await sync_config(db.unit_of_work(), team)
    first = await offer(db, "AU")
    later = FixedClock(NOW + timedelta(minutes=5))
    async with router_client(infra_env, later) as client:
        key = bearer(await issue_key(client, "partner", "partner-northwind"))
        answer = await client.post(f"/v1/assignments/{first.lead_id}/reject", headers=key)
    assert answer.json()["assignment"]["assignee_id"] == "partner-outback"
    endpoint = Endpoint([200])
    # Northwind's offer, not yet posted when it rejected the lead, is withdrawn
    assert await deliver_due(db.unit_of_work, deliverer(endpoint, later)) == 1
    assert [str(r.url) for r in endpoint.requests] == [outback_url]
    async with db.driver_connection() as conn:
        states = await conn.fetch(
            "SELECT partner_id, state FROM router.webhook_deliveries WHERE lead_id = $1",
            first.lead_id,
        )
    assert sorted(tuple(r) for r in states) == [
        ("partner-northwind", "withdrawn"),
        ("partner-outback", "delivered"),
    ]
    handed_on = json.loads(endpoint.to(outback_url)[0].content)
    assert handed_on["lead_id"] == str(first.lead_id)
    assert handed_on["data"]["partner_id"] == "partner-outback"
    verify_signature(
        "outback-secret-42",
        endpoint.to(outback_url)[0].headers[SIGNATURE_HEADER],
        endpoint.to(outback_url)[0].content,
        now=later.now().timestamp(),
        tolerance_s=300,
    )


async def test_two_processes_posting_at_once_post_each_offer_once(
    infra_env: Infra, db: Database
) -> None:
    for _ in range(12):
        await offer(db, "AU")
    endpoint, clock = Endpoint([200]), FixedClock(NOW)
    async with (
        infra_env.service_database("router") as one,
        infra_env.service_database("router") as other,
    ):
        posted = await asyncio.gather(
            deliver_due(one.unit_of_work, deliverer(endpoint, clock)),
            deliver_due(other.unit_of_work, deliverer(endpoint, clock)),
        )
    assert sum(posted) == 12
    ids = [r.headers["X-Leadflow-Event-Id"] for r in endpoint.requests]
    assert len(ids) == len(set(ids)) == 12
    assert [d["state"] for d in await deliveries(db)] == ["delivered"] * 12
