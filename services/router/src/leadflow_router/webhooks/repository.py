"""webhooks' queries: staging deliveries with their offers, taking the due ones (leased, so
that a process that dies posting leaves them to be taken again), recording what came of
them, and the endpoints' health."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow_router.partners.tables import partner_webhooks
from leadflow_router.webhooks.domain import Health, Outcome
from leadflow_router.webhooks.tables import webhook_deliveries
from leadflow_shared.events import LeadOffered
from leadflow_shared.uow import UnitOfWork

D = webhook_deliveries.fullname
W = partner_webhooks.fullname

# One row per offer whose partner has a webhook; an offer staged twice is stored once.
_STAGE = f"""
INSERT INTO {D} (event_id, partner_id, lead_id, body, next_attempt_at)
SELECT o.event_id, o.partner_id, o.lead_id, o.body, o.due
FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bytea[], $5::timestamptz[])
     AS o (event_id, partner_id, lead_id, body, due)
JOIN {W} w ON w.partner_id = o.partner_id
ON CONFLICT (event_id) DO NOTHING
"""
# An offer the lead has moved on from (the partner rejected it, its SLA ran out) is never
# posted: the partner no longer has the lead.
_WITHDRAW = f"""
UPDATE {D} SET state = 'withdrawn', finished_at = $3
WHERE lead_id = $1 AND partner_id = $2 AND state = 'pending'
"""
_ENDPOINTS = f"""
SELECT partner_id, url, secret, secret_env, healthy, failures, probe_at FROM {W}
ORDER BY partner_id
"""
_TAKE_DUE = f"""
SELECT id FROM {D}
WHERE state = 'pending' AND next_attempt_at <= $1 AND partner_id = ANY($2::text[])
ORDER BY next_attempt_at, id LIMIT $3
FOR UPDATE SKIP LOCKED
"""
_TAKE_PROBE = f"""
SELECT id FROM {D}
WHERE state = 'pending' AND next_attempt_at <= $1 AND partner_id = $2
ORDER BY next_attempt_at, id LIMIT 1
FOR UPDATE SKIP LOCKED
"""
# Only one process probes an endpoint: the first to move its probe on.
_START_PROBES = f"""
UPDATE {W} SET probe_at = $3
WHERE partner_id = ANY($1::text[]) AND NOT healthy AND probe_at <= $2
RETURNING partner_id
"""
_LEASE = f"""
UPDATE {D} SET next_attempt_at = $2 WHERE id = ANY($1::bigint[])
RETURNING id, event_id, partner_id, lead_id, body, attempts
"""
_LOCK_HEALTH = f"""
SELECT partner_id, healthy, failures, probe_at FROM {W}
WHERE partner_id = ANY($1::text[]) ORDER BY partner_id FOR UPDATE
"""
_RECORD = f"""
UPDATE {D} AS d SET state = r.state, attempts = r.attempts, next_attempt_at = r.next_attempt_at,
    finished_at = CASE WHEN r.state = 'pending' THEN NULL ELSE r.at END,
    last_status = r.status, last_error = r.error
FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[],
            $6::int[], $7::text[]) AS r (id, state, attempts, next_attempt_at, at, status, error)
WHERE d.id = r.id
"""
_SET_HEALTH = f"""
UPDATE {W} AS w SET healthy = h.healthy, failures = h.failures, probe_at = h.probe_at,
    last_success_at = coalesce(h.success_at, w.last_success_at),
    last_failure_at = coalesce(h.failure_at, w.last_failure_at),
    last_error = CASE WHEN h.failure_at IS NULL THEN w.last_error ELSE h.error END
FROM unnest($1::text[], $2::bool[], $3::int[], $4::timestamptz[], $5::timestamptz[],
            $6::timestamptz[], $7::text[])
     AS h (partner_id, healthy, failures, probe_at, success_at, failure_at, error)
WHERE w.partner_id = h.partner_id
"""
_HEALTH = f"""
SELECT w.partner_id, w.healthy, w.failures, w.probe_at, w.last_success_at, w.last_failure_at,
       w.last_error,
       (SELECT count(*) FROM {D} d WHERE d.partner_id = w.partner_id AND d.state = 'pending')
           AS pending,
       (SELECT count(*) FROM {D} d WHERE d.partner_id = w.partner_id AND d.state = 'failed')
           AS failed
FROM {W} w
"""
_PRUNE = f"""
DELETE FROM {D} WHERE id IN (
    SELECT id FROM {D} WHERE finished_at < $1 ORDER BY finished_at LIMIT $2
)
"""


@dataclass(frozen=True)
class Endpoint:
    """A partner's webhook as delivery sees it."""

    partner_id: str
    url: str
    secret: str | None
    secret_env: str | None
    health: Health


@dataclass(frozen=True)
class Delivery:
    id: int
    event_id: uuid.UUID
    partner_id: str
    lead_id: uuid.UUID
    body: bytes
    attempts: int  # made before this one


@dataclass(frozen=True)
class Attempted:
    """A delivery's attempt, to record: the attempts made so far, what came of it."""

    delivery_id: int
    attempts: int
    outcome: Outcome
    status: int | None
    at: datetime


@dataclass(frozen=True)
class HealthChange:
    health: Health
    success_at: datetime | None
    failure_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class EndpointHealth:
    """A webhook's health as the read API shows it."""

    healthy: bool
    failures: int
    probe_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    pending: int
    failed: int


class DeliveryRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def stage(self, offers: Sequence[LeadOffered]) -> None:
        """A delivery for each offer whose partner has a webhook, due when it was offered."""
        if offers:
            await (await self.uow.driver()).execute(
                _STAGE,
                [o.id for o in offers],
                [o.data.partner_id for o in offers],
                [o.lead_id for o in offers],
                [o.kafka_value() for o in offers],
                [o.data.offered_at for o in offers],
            )

    async def withdraw(self, lead_id: uuid.UUID, partner_id: str, now: datetime) -> None:
        """The partner's offers of the lead not yet posted are not posted at all."""
        await (await self.uow.driver()).execute(_WITHDRAW, lead_id, partner_id, now)

    async def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint(
                r["partner_id"],
                r["url"],
                r["secret"],
                r["secret_env"],
                Health(r["healthy"], r["failures"], r["probe_at"]),
            )
            for r in await (await self.uow.driver()).fetch(_ENDPOINTS)
        ]

    async def take_due(self, partner_ids: Sequence[str], now: datetime, limit: int) -> list[int]:
        """The due deliveries of these partners, the longest due first, locked (others
        taking at the same time skip them)."""
        if not partner_ids or limit <= 0:
            return []
        rows = await (await self.uow.driver()).fetch(_TAKE_DUE, now, list(partner_ids), limit)
        return [r["id"] for r in rows]

    async def take_probe(self, partner_id: str, now: datetime) -> int | None:
        """The delivery an unhealthy endpoint is probed with: its longest due."""
        found: int | None = await (await self.uow.driver()).fetchval(_TAKE_PROBE, now, partner_id)
        return found

    async def start_probes(
        self, partner_ids: Sequence[str], now: datetime, until: datetime
    ) -> set[str]:
        """The endpoints this process probes now (no other until ``until``)."""
        if not partner_ids:
            return set()
        rows = await (await self.uow.driver()).fetch(_START_PROBES, list(partner_ids), now, until)
        return {r["partner_id"] for r in rows}

    async def lease(self, ids: Sequence[int], until: datetime) -> list[Delivery]:
        """Take the deliveries until ``until``: due again then unless recorded before."""
        if not ids:
            return []
        rows = await (await self.uow.driver()).fetch(_LEASE, list(ids), until)
        return sorted(
            (
                Delivery(
                    r["id"], r["event_id"], r["partner_id"], r["lead_id"], r["body"], r["attempts"]
                )
                for r in rows
            ),
            key=lambda d: d.id,
        )

    async def lock_health(self, partner_ids: Sequence[str]) -> dict[str, Health]:
        rows = await (await self.uow.driver()).fetch(_LOCK_HEALTH, sorted(set(partner_ids)))
        return {r["partner_id"]: Health(r["healthy"], r["failures"], r["probe_at"]) for r in rows}

    async def record(self, attempts: Sequence[Attempted]) -> None:
        if attempts:
            await (await self.uow.driver()).execute(
                _RECORD,
                [a.delivery_id for a in attempts],
                [a.outcome.state for a in attempts],
                [a.attempts for a in attempts],
                [a.outcome.next_attempt_at for a in attempts],
                [a.at for a in attempts],
                [a.status for a in attempts],
                [a.outcome.error for a in attempts],
            )

    async def set_health(self, changes: Mapping[str, HealthChange]) -> None:
        if changes:
            items = sorted(changes.items())
            await (await self.uow.driver()).execute(
                _SET_HEALTH,
                [partner_id for partner_id, _ in items],
                [c.health.healthy for _, c in items],
                [c.health.failures for _, c in items],
                [c.health.probe_at for _, c in items],
                [c.success_at for _, c in items],
                [c.failure_at for _, c in items],
                [c.error for _, c in items],
            )

    async def health(self) -> dict[str, EndpointHealth]:
        """Every webhook's health, by partner."""
        return {
            r["partner_id"]: EndpointHealth(
                healthy=r["healthy"],
                failures=r["failures"],
                probe_at=r["probe_at"],
                last_success_at=r["last_success_at"],
                last_failure_at=r["last_failure_at"],
                last_error=r["last_error"],
                pending=r["pending"],
                failed=r["failed"],
            )
            for r in await (await self.uow.driver()).fetch(_HEALTH)
        }

    async def prune(self, finished_before: datetime, limit: int) -> int:
        """Forget deliveries finished (delivered or failed) before ``finished_before``."""
        status: str = await (await self.uow.driver()).execute(_PRUNE, finished_before, limit)
        return int(status.split()[-1])
