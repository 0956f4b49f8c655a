"""The transactional outbox and its relay.

Handlers never call the Kafka producer. They stage :class:`Outgoing` messages into the
``outbox`` table in the same transaction as their own state; the relay publishes committed
rows in id order and deletes them once the broker has acknowledged them. If the broker is
down the rows simply wait, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from aiokafka import AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.db import Database, insert_arrays
from leadflow_shared.events.envelope import Envelope
from leadflow_shared.logging import get_logger
from leadflow_shared.metrics import OUTBOX_PUBLISHED, OUTBOX_RELAY_ERRORS
from leadflow_shared.retry import Backoff, is_transient, sleep_unless_stopped

log = get_logger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: an event on a topic, or raw bytes (dead letters)."""

    topic: str
    event: Envelope
    extra_headers: tuple[tuple[str, bytes], ...] = field(default=())

    def headers_json(self) -> str:
        """The Kafka headers as the outbox's ``headers`` column holds them: [[name, value]]."""
        return _headers_json((*self.event.kafka_headers(), *self.extra_headers))


@functools.lru_cache(maxsize=1024)
def _headers_json(headers: tuple[tuple[str, bytes], ...]) -> str:
    return json.dumps([[k, v.decode()] for k, v in headers])


# How a message fills each column.
_VALUES: dict[str, Callable[[Outgoing], Any]] = {
    "event_id": lambda m: m.event.id,
    "topic": lambda m: m.topic,
    "key": lambda m: m.event.kafka_key(),
    "value": lambda m: m.event.kafka_value(),
    "headers": lambda m: m.headers_json(),
}


class Outbox:
    # What a staged message fills in, with Postgres types (the rest has defaults).
    COLUMNS = {
        "event_id": "uuid",
        "topic": "text",
        "key": "bytea",
        "value": "bytea",
        "headers": "json",
    }

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self._insert = insert_arrays(table, self.COLUMNS)

    @staticmethod
    def arrays(
        messages: Sequence[Outgoing], columns: Iterable[str] = COLUMNS
    ) -> dict[str, list[Any]]:
        """The messages as one list per column (by default every column of
        :attr:`COLUMNS`)."""
        return {column: [_VALUES[column](m) for m in messages] for column in columns}

    async def stage(self, session: AsyncSession, messages: Sequence[Outgoing]) -> None:
        """Add messages to the outbox inside the caller's transaction (one statement)."""
        if messages:
            await session.execute(self._insert, self.arrays(messages))


class OutboxRelay:
    """Publishes committed outbox rows, oldest first, at least once."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        outbox: Outbox,
        producer: AIOKafkaProducer,
        batch_size: int = 500,
        poll_interval_s: float = 0.02,
    ) -> None:
        self.service = service
        self.db = db
        self.table = outbox.table
        self.producer = producer
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s

    async def publish_batch(self) -> int:
        """Publish up to ``batch_size`` rows; returns how many were published."""
        t = self.table
        async with self.db.unit_of_work() as uow:
            rows = (
                await uow.session.execute(
                    sa.select(t.c.id, t.c.topic, t.c.key, t.c.value, t.c.headers)
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            sends = [
                await self.producer.send(
                    row.topic,
                    value=row.value,
                    key=row.key,
                    headers=[(k, v.encode()) for k, v in row.headers],
                )
                for row in rows
            ]
            await asyncio.gather(*sends)
            await uow.session.execute(sa.delete(t).where(t.c.id.in_([row.id for row in rows])))
            await uow.commit()
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = Backoff()
        log.info("outbox relay started")
        while not stop.is_set():
            try:
                published = await self.publish_batch()
                backoff.reset()
            except Exception as exc:
                OUTBOX_RELAY_ERRORS.labels(self.service).inc()
                delay = backoff.next_delay()
                log.warning(
                    "outbox relay failed, retrying",
                    error=repr(exc),
                    transient=is_transient(exc),
                    retry_in_s=round(delay, 3),
                )
                await sleep_unless_stopped(stop, delay)
                continue
            if published < self.batch_size:
                await sleep_unless_stopped(stop, self.poll_interval_s)
        log.info("outbox relay stopped")
