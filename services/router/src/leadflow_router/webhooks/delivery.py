"""Delivering the due webhook posts (the consumer's chore):

    take (one transaction)         the due deliveries of healthy endpoints, and one probe
                                   for each unhealthy endpoint whose cool-down is over;
                                   leased: pushed on, so that they are taken again if this
                                   process dies before it records them
    post (no transaction open)     signed, concurrently up to a bound, each with a timeout
    record (one transaction)       each delivery's outcome, each endpoint's health

At least once: a post whose answer was lost is made again. Partners tell a repeat by its
``X-Leadflow-Event-Id``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow_router.webhooks.domain import Answer, DeliveryPolicy, Health, after_attempt
from leadflow_router.webhooks.metrics import FAILURES, HEALTHY, POSTS
from leadflow_router.webhooks.ports import Secrets, WebhookClient
from leadflow_router.webhooks.repository import (
    Attempted,
    Delivery,
    DeliveryRepository,
    Endpoint,
    HealthChange,
)
from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.signing import SIGNATURE_HEADER, sign
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)
LEASE_MARGIN_S = 30.0
PRUNE_LIMIT = 1000


@dataclass(frozen=True)
class Deliverer:
    """What delivering needs: its ports and its settings."""

    client: WebhookClient
    secrets: Secrets
    clock: Clock
    policy: DeliveryPolicy
    batch_size: int = 100
    concurrency: int = 10
    retention_s: float = 7 * 86_400.0

    @property
    def lease_s(self) -> float:
        return self.client.timeout_s + LEASE_MARGIN_S


@dataclass(frozen=True)
class Sent:
    delivery: Delivery
    answer: Answer
    at: datetime


def signed_headers(
    secret: str, body: bytes, timestamp: int, delivery: Delivery, attempt: int
) -> dict[str, str]:
    """The headers of a post: the signature over ``<timestamp>.<body>`` (as capture's), and
    what lets a partner tell a repeat."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "leadflow-router",
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        "X-Leadflow-Event-Id": str(delivery.event_id),
        "X-Leadflow-Event-Type": "lead.offered",
        "X-Leadflow-Partner": delivery.partner_id,
        "X-Leadflow-Delivery-Attempt": str(attempt),
    }


async def deliver_due(new_uow: Callable[[], UnitOfWork], deliverer: Deliverer) -> int:
    """Post every due delivery (a batch at a time, until fewer than a batch are due);
    returns how many posts were made."""
    posted = 0
    while True:
        taken = await _deliver_batch(new_uow, deliverer)
        posted += taken
        if taken < deliverer.batch_size:
            return posted


async def prune_finished(new_uow: Callable[[], UnitOfWork], deliverer: Deliverer) -> int:
    """Forget deliveries finished longer ago than the retention (a bounded number a run);
    returns how many went."""
    async with new_uow() as uow:
        before = deliverer.clock.now() - timedelta(seconds=deliverer.retention_s)
        pruned = await DeliveryRepository(uow).prune(before, PRUNE_LIMIT)
        await uow.commit()
    return pruned


async def _deliver_batch(new_uow: Callable[[], UnitOfWork], deliverer: Deliverer) -> int:
    now = deliverer.clock.now()
    async with new_uow() as uow:
        repo = DeliveryRepository(uow)
        endpoints = {e.partner_id: e for e in await repo.endpoints()}
        if not endpoints:  # no partner has a webhook
            return 0
        _show(endpoints)
        secrets = _secrets(endpoints, deliverer.secrets)
        ready = {p: e for p, e in endpoints.items() if p in secrets}
        ids = await repo.take_due(
            [p for p, e in ready.items() if e.health.healthy], now, deliverer.batch_size
        )
        probes: dict[str, int] = {}
        for partner_id, endpoint in ready.items():
            if not endpoint.health.healthy and endpoint.health.may_send(now):
                probe = await repo.take_probe(partner_id, now)
                if probe is not None:
                    probes[partner_id] = probe
        lease_until = now + timedelta(seconds=deliverer.lease_s)
        started = await repo.start_probes(list(probes), now, lease_until)
        ids += [probes[p] for p in sorted(started)]
        deliveries = await repo.lease(ids, lease_until)
        await uow.commit()
    if not deliveries:
        return 0
    bound = asyncio.Semaphore(deliverer.concurrency)

    async def post(delivery: Delivery) -> Sent:
        async with bound:
            endpoint, attempt = endpoints[delivery.partner_id], delivery.attempts + 1
            timestamp = int(deliverer.clock.now().timestamp())
            headers = signed_headers(
                secrets[delivery.partner_id], delivery.body, timestamp, delivery, attempt
            )
            answer = await deliverer.client.post(endpoint.url, delivery.body, headers)
            return Sent(delivery, answer, deliverer.clock.now())

    sent = await asyncio.gather(*(post(d) for d in deliveries))
    await _record(new_uow, deliverer.policy, sent)
    return len(deliveries)


async def _record(
    new_uow: Callable[[], UnitOfWork], policy: DeliveryPolicy, sent: list[Sent]
) -> None:
    async with new_uow() as uow:
        repo = DeliveryRepository(uow)
        health = await repo.lock_health([s.delivery.partner_id for s in sent])
        kept = set(health)  # a webhook removed meanwhile has no health to keep
        success_at: dict[str, datetime] = {}
        failure: dict[str, tuple[datetime, str | None]] = {}
        attempts = []
        for s in sorted(sent, key=lambda s: s.at):
            partner_id, attempt = s.delivery.partner_id, s.delivery.attempts + 1
            before = health.get(partner_id, Health())
            outcome = after_attempt(
                attempt, s.answer, s.at, policy, endpoint_healthy=before.healthy
            )
            attempts.append(Attempted(s.delivery.id, attempt, outcome, s.answer.status, s.at))
            health[partner_id] = after = before.after(s.answer, s.at, policy)
            if outcome.state == "delivered":
                success_at[partner_id] = s.at
            else:
                failure[partner_id] = (s.at, outcome.error)
            POSTS.labels(partner_id, _outcome(outcome.state)).inc()
            if after.healthy != before.healthy:
                log.warning(
                    "partner webhook healthy again"
                    if after.healthy
                    else "partner webhook unhealthy",
                    partner=partner_id,
                    failures=before.failures if after.healthy else after.failures,
                    error=outcome.error,
                )
        changes = {
            p: HealthChange(
                health[p],
                success_at.get(p),
                failure[p][0] if p in failure else None,
                failure[p][1] if p in failure else None,
            )
            for p in kept
        }
        await repo.record(attempts)
        await repo.set_health(changes)
        await uow.commit()
    for partner_id in kept:
        HEALTHY.labels(partner_id).set(1 if health[partner_id].healthy else 0)
        FAILURES.labels(partner_id).set(health[partner_id].failures)


def _outcome(state: str) -> str:
    return {"pending": "retried", "delivered": "delivered"}.get(state, "failed")


def _secrets(endpoints: Mapping[str, Endpoint], environ: Secrets) -> dict[str, str]:
    """Each endpoint's secret; one whose ``secret_env`` is not set is left out (its
    deliveries wait), with a warning naming the variable, never a value."""
    found = {}
    for partner_id, endpoint in endpoints.items():
        secret = endpoint.secret
        if secret is None and endpoint.secret_env is not None:
            secret = environ.get(endpoint.secret_env)
            if secret is None:
                log.warning(
                    "partner webhook secret not set: its deliveries wait",
                    partner=partner_id,
                    variable=endpoint.secret_env,
                )
        if secret is not None:
            found[partner_id] = secret
    return found


def _show(endpoints: Mapping[str, Endpoint]) -> None:
    for partner_id, endpoint in endpoints.items():
        HEALTHY.labels(partner_id).set(1 if endpoint.health.healthy else 0)
        FAILURES.labels(partner_id).set(endpoint.health.failures)
