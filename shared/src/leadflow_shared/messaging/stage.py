"""A stage's batch, handled durably: one transaction per batch, and what happens when it
fails.

    records ─► decode ─► one transaction: claim the inbox (one statement), hand each event
                         class's events to its handler in one call, stage what they publish
                         and the dead letters in the outbox, commit

Per record::

    undecodable or invalid             ──► dead letter (original bytes + reason), move on
    seen before (in the inbox)         ──► dropped
    database or broker away (transient)──► the same batch again with backoff, never skipped
    a handler fails for another reason ──► the batch is halved until the record that fails
        (PoisonMessage included)           is alone; the others commit without it. Alone, a
                                           PoisonMessage is dead-lettered at once; any other
                                           error is retried up to ``max_attempts`` times,
                                           then dead-lettered.

A stage handler takes its unit of work and the batch's events of its class, in the order
they arrived (so one lead's events stay in order); it reads with set-based queries, writes
in bulk and publishes on the unit of work. It never commits.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from leadflow_shared.db import Database
from leadflow_shared.events.envelope import Envelope
from leadflow_shared.logging import get_logger
from leadflow_shared.messaging.dead_letters import dead_letter
from leadflow_shared.messaging.decoding import Delivery, Record, decode
from leadflow_shared.messaging.inbox import Inbox
from leadflow_shared.metrics import BATCH_SECONDS, CONSUMER_RETRIES, EVENTS_CONSUMED
from leadflow_shared.ports import Clock
from leadflow_shared.retry import Backoff, is_transient
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)

StageHandler = Callable[[UnitOfWork, Sequence[Any]], Awaitable[None]]


class PoisonMessage(Exception):
    """A handler's verdict that an event can never be processed: dead-letter it."""


class Stopper(Protocol):
    def is_set(self) -> bool: ...


class Stage:
    def __init__(
        self,
        *,
        service: str,
        consumer: str,
        db: Database,
        inbox: Inbox,
        handlers: Mapping[type[Envelope], StageHandler],
        clock: Clock,
        max_attempts: int = 5,
    ) -> None:
        self.service = service
        self.consumer = consumer  # the consumer group, named in dead letters
        self.db = db
        self.inbox = inbox
        self.handlers = dict(handlers)
        self.clock = clock
        self.max_attempts = max_attempts

    async def process(self, records: Sequence[Record], stop: Stopper | None = None) -> None:
        """Handle ``records`` durably; returns once their results are committed."""
        with BATCH_SECONDS.labels(self.service).time():
            await self._durably([decode(r) for r in records], stop)

    async def _durably(self, deliveries: Sequence[Delivery], stop: Stopper | None) -> None:
        backoff = Backoff()
        while True:
            try:
                counts = await self._together(deliveries)
            except Exception as exc:
                CONSUMER_RETRIES.labels(self.service).inc()
                if is_transient(exc):
                    if _stopping(stop):
                        raise
                    delay = backoff.next_delay()
                    log.warning(
                        "transient failure, retrying batch",
                        error=repr(exc),
                        records=len(deliveries),
                        retry_in_s=round(delay, 3),
                    )
                    await asyncio.sleep(delay)
                    continue
                if len(deliveries) == 1:
                    await self._alone(deliveries[0], exc, stop)
                    return
                half = len(deliveries) // 2
                log.warning(
                    "batch failed, halving it to find the failing record",
                    error=repr(exc),
                    records=len(deliveries),
                )
                await self._durably(deliveries[:half], stop)
                await self._durably(deliveries[half:], stop)
                return
            self._count(counts)
            return

    async def _together(self, deliveries: Sequence[Delivery]) -> Counter[tuple[str, str]]:
        """One transaction for the whole batch; returns (topic, outcome) counts."""
        counts: Counter[tuple[str, str]] = Counter()
        async with self.db.unit_of_work() as uow:
            fresh = await self.inbox.claim(uow, [(d.inbox_id, d.topic) for d in deliveries])
            batches: dict[type[Envelope], list[Envelope]] = {}
            for d in deliveries:
                if d.inbox_id not in fresh:
                    counts[d.topic, "duplicate"] += 1
                    continue
                fresh.discard(d.inbox_id)  # the same event twice in one batch: once
                if d.event is None:
                    self._dead_letter(uow, d, d.problem or "unknown problem")
                    counts[d.topic, "dead_lettered"] += 1
                elif type(d.event) in self.handlers:
                    batches.setdefault(type(d.event), []).append(d.event)
                    counts[d.topic, "processed"] += 1
                else:
                    counts[d.topic, "ignored"] += 1
            for kind, events in batches.items():
                await self.handlers[kind](uow, events)
            await uow.commit()
        return counts

    async def _alone(self, delivery: Delivery, first: Exception, stop: Stopper | None) -> None:
        """One record failed for a reason other than an outage: retry it, then dead-letter it."""
        error = first
        backoff = Backoff()
        attempt = 1
        while not isinstance(error, PoisonMessage) and attempt < self.max_attempts:
            await asyncio.sleep(backoff.next_delay())
            attempt += 1
            try:
                self._count(await self._together([delivery]))
                return
            except Exception as exc:
                if is_transient(exc):
                    attempt -= 1  # the infrastructure failed, not the message
                    if _stopping(stop):
                        raise
                error = exc
        reason = (
            f"rejected by handler: {error}"
            if isinstance(error, PoisonMessage)
            else f"handler failed {attempt} times: {error!r}"
        )
        r = delivery.record
        log.error(
            "dead-lettering event",
            reason=reason,
            topic=r.topic,
            partition=r.partition,
            offset=r.offset,
            lead_id=str(delivery.event.lead_id) if delivery.event else None,
        )
        backoff.reset()
        while True:
            try:
                self._count(await self._bury(delivery, reason))
                return
            except Exception as exc:
                if not is_transient(exc) or _stopping(stop):
                    raise
                await asyncio.sleep(backoff.next_delay())

    async def _bury(self, delivery: Delivery, reason: str) -> Counter[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        async with self.db.unit_of_work() as uow:
            if await self.inbox.claim(uow, [(delivery.inbox_id, delivery.topic)]):
                self._dead_letter(uow, delivery, reason)
                counts[delivery.topic, "dead_lettered"] += 1
            else:
                counts[delivery.topic, "duplicate"] += 1
            await uow.commit()
        return counts

    def _dead_letter(self, uow: UnitOfWork, delivery: Delivery, reason: str) -> None:
        letter = dead_letter(
            delivery, reason, producer=self.service, consumer=self.consumer, at=self.clock.now()
        )
        uow.publish(letter.topic, letter.event, letter.extra_headers)

    def _count(self, counts: Mapping[tuple[str, str], int]) -> None:
        for (topic, outcome), n in counts.items():
            EVENTS_CONSUMED.labels(self.service, topic, outcome).inc(n)


def _stopping(stop: Stopper | None) -> bool:
    """While shutting down, an outage ends the work: the batch is redelivered later."""
    return stop is not None and stop.is_set()
