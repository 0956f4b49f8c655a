"""Kafka plumbing on aiokafka: producer, topic creation, and the idempotent consumer loop.

The loop reads a batch, decodes every record, and in **one** database transaction drops
the events its inbox has already seen, runs the handler for the others, stages what they
publish (and any dead letters) in the outbox, then commits — and only after that commit
does it commit the Kafka offsets. A redelivered batch is therefore harmless.

Failure handling, per record::

    undecodable / invalid envelope ──► dead letter (original bytes + reason), move on
    handler raises PoisonMessage   ──► dead letter, move on
    transient (DB or broker down)  ──► retry the whole batch with backoff, never skip
    anything else                  ──► retried up to ``max_attempts``, then dead letter
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, KafkaError, TopicAlreadyExistsError
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.db import Database
from leadflow_shared.events import DeadLetter, DeadLetterData, Topics, parse_event
from leadflow_shared.events.envelope import Envelope, new_envelope_fields
from leadflow_shared.logging import get_logger, log_context
from leadflow_shared.metrics import BATCH_SECONDS, CONSUMER_RETRIES, EVENTS_CONSUMED
from leadflow_shared.outbox import Outbox, Outgoing
from leadflow_shared.retry import Backoff, is_transient, sleep_unless_stopped
from leadflow_shared.settings import ServiceSettings

log = get_logger(__name__)
NIL_UUID = uuid.UUID(int=0)
_DEAD_LETTER_NAMESPACE = uuid.UUID("6f1c1c2e-8a43-4c0e-9a55-1d7f0c9e2b11")


class PoisonMessage(Exception):
    """A handler's verdict that this event can never be processed: dead-letter it."""


Handler = Callable[[AsyncSession, Any], Awaitable[Sequence[Outgoing]]]


class Stopper(Protocol):
    def is_set(self) -> bool: ...


def make_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        linger_ms=5,
        request_timeout_ms=15_000,
    )


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, partitions: int, client_id: str
) -> None:
    """Create the topics that do not exist yet (Tansu's memory engine forgets them)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id=client_id)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        for topic in missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(name=topic, num_partitions=partitions, replication_factor=1)]
                )
        if missing:
            log.info("created topics", topics=missing)
    finally:
        await admin.close()


async def start_with_retry(
    start: Callable[[], Awaitable[None]], what: str, stop: asyncio.Event
) -> bool:
    """Call ``start`` until it succeeds or ``stop`` is set; returns whether it started."""
    backoff = Backoff(maximum_s=3.0)
    while not stop.is_set():
        try:
            await start()
            return True
        except Exception as exc:
            if not is_transient(exc):
                raise
            delay = backoff.next_delay()
            log.warning(f"{what} not reachable, retrying", error=repr(exc), retry_in_s=delay)
            await sleep_unless_stopped(stop, delay)
    return False


@dataclass
class _Item:
    record: ConsumerRecord[bytes, bytes]
    event: Envelope | None = None
    dead_reason: str | None = None

    @property
    def inbox_id(self) -> uuid.UUID:
        """The event id, or for an undecodable record an id derived from its position."""
        if self.event is not None:
            return self.event.id
        r = self.record
        return uuid.uuid5(_DEAD_LETTER_NAMESPACE, f"{r.topic}/{r.partition}/{r.offset}")


class EventConsumer:
    """Consumes topics with a group, hands each event type to its handler, exactly once."""

    def __init__(
        self,
        *,
        service: str,
        settings: ServiceSettings,
        db: Database,
        outbox: Outbox,
        inbox: sa.Table,
        topics: Sequence[str],
        handlers: dict[str, Handler],
        group_id: str | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.service = service
        self.settings = settings
        self.db = db
        self.outbox = outbox
        self.inbox = inbox
        self.topics = list(topics)
        self.handlers = handlers
        self.group_id = group_id or f"leadflow-{service}"
        self.max_attempts = max_attempts

    def _make_consumer(self) -> AIOKafkaConsumer:
        s = self.settings
        return AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=f"leadflow-{self.service}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=s.kafka_session_timeout_ms,
            rebalance_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            max_poll_records=s.kafka_max_batch,
            # Answer a fetch as soon as records arrive, or after this long: each hop's
            # latency, since the broker holds an empty fetch until then (default 500 ms).
            fetch_max_wait_ms=s.kafka_fetch_max_wait_ms,
        )

    async def run(self, stop: asyncio.Event) -> None:
        consumer = self._make_consumer()
        consumer.subscribe(topics=self.topics, listener=_AssignmentLog())
        if not await start_with_retry(consumer.start, "Kafka", stop):
            return
        log.info("consumer started", topics=self.topics, group=self.group_id)
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                records = [r for part in batches.values() for r in part]
                if records:
                    await self.process(records, stop)
                    await self._commit_offsets(consumer, records)
        finally:
            await consumer.stop()
            log.info("consumer stopped")

    async def _commit_offsets(
        self, consumer: AIOKafkaConsumer, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> None:
        offsets: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            offsets[tp] = max(offsets.get(tp, 0), r.offset + 1)
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # The database already holds the result; a redelivery is dropped by the inbox.
            log.warning("offset commit failed; redelivery will be deduplicated", error=repr(exc))

    # --- processing -------------------------------------------------------------------

    def decode(self, record: ConsumerRecord[bytes, bytes]) -> _Item:
        item = _Item(record)
        if record.value is None:
            item.dead_reason = "empty message value"
            return item
        try:
            item.event = parse_event(record.value)
        except ValidationError as exc:
            kind = "undecodable message" if _is_json_error(exc) else "invalid event"
            item.dead_reason = f"{kind}: {_summarise(exc)}"
        except (UnicodeDecodeError, ValueError) as exc:
            item.dead_reason = f"undecodable message: {exc}"
        return item

    async def process(
        self, records: Sequence[ConsumerRecord[bytes, bytes]], stop: Stopper | None = None
    ) -> None:
        """Process records durably; returns once their results are committed to Postgres."""
        items = [self.decode(r) for r in records]
        backoff = Backoff()
        with BATCH_SECONDS.labels(self.service).time():
            while True:
                try:
                    await self._process_together(items)
                    return
                except Exception as exc:
                    CONSUMER_RETRIES.labels(self.service).inc()
                    if is_transient(exc):
                        if stop is not None and stop.is_set():
                            raise
                        delay = backoff.next_delay()
                        log.warning(
                            "transient failure, retrying batch",
                            error=repr(exc),
                            retry_in_s=round(delay, 3),
                        )
                        await asyncio.sleep(delay)
                        continue
                    if len(items) == 1:
                        await self._process_alone(items[0], exc, stop)
                        return
                    log.warning("batch failed, isolating the failing record", error=repr(exc))
                    for item in items:
                        await self.process([item.record], stop)
                    return

    async def _process_together(self, items: Sequence[_Item]) -> None:
        async with self.db.unit_of_work() as uow:
            fresh = await self._claim(uow.session, items)
            outgoing: list[Outgoing] = []
            for item in items:
                topic = item.record.topic
                if item.inbox_id not in fresh:
                    EVENTS_CONSUMED.labels(self.service, topic, "duplicate").inc()
                    continue
                fresh.discard(item.inbox_id)  # the same event twice in one batch: once
                if item.event is None:
                    outgoing.append(self._dead_letter(item, item.dead_reason or "unknown"))
                    EVENTS_CONSUMED.labels(self.service, topic, "dead_lettered").inc()
                    continue
                handler = self.handlers.get(item.event.type)
                if handler is None:
                    EVENTS_CONSUMED.labels(self.service, topic, "ignored").inc()
                    continue
                with log_context(
                    lead_id=item.event.lead_id, correlation_id=item.event.correlation_id
                ):
                    outgoing.extend(await handler(uow.session, item.event))
                EVENTS_CONSUMED.labels(self.service, topic, "processed").inc()
            await self.outbox.stage(uow.session, outgoing)
            await uow.commit()

    async def _process_alone(
        self, item: _Item, first_error: Exception, stop: Stopper | None
    ) -> None:
        """One record failed for a non-transient reason: retry it, then dead-letter it."""
        error: Exception = first_error
        backoff = Backoff()
        attempt = 1
        while not isinstance(error, PoisonMessage) and attempt < self.max_attempts:
            await asyncio.sleep(backoff.next_delay())
            attempt += 1
            try:
                await self._process_together([item])
                return
            except Exception as exc:
                if is_transient(exc):
                    attempt -= 1  # the infrastructure failed, not the message
                    if stop is not None and stop.is_set():
                        raise
                error = exc
        reason = (
            f"rejected by handler: {error}"
            if isinstance(error, PoisonMessage)
            else f"handler failed {attempt} times: {error!r}"
        )
        log.error(
            "dead-lettering event",
            reason=reason,
            topic=item.record.topic,
            offset=item.record.offset,
        )
        async with self.db.unit_of_work() as uow:
            if await self._claim(uow.session, [item]):
                await self.outbox.stage(uow.session, [self._dead_letter(item, reason)])
                EVENTS_CONSUMED.labels(self.service, item.record.topic, "dead_lettered").inc()
            await uow.commit()

    async def _claim(self, session: AsyncSession, items: Sequence[_Item]) -> set[uuid.UUID]:
        """Record the items in the inbox; returns the ids that were not there before."""
        rows = {item.inbox_id: item.record.topic for item in items}
        result = await session.execute(
            pg_insert(self.inbox)
            .values([{"event_id": k, "topic": v} for k, v in rows.items()])
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(self.inbox.c.event_id)
        )
        return set(result.scalars().all())

    def _dead_letter(self, item: _Item, reason: str) -> Outgoing:
        r = item.record
        lead_id = item.event.lead_id if item.event is not None else _uuid_or_nil(r.key)
        letter = DeadLetter(
            **new_envelope_fields(producer=self.service, lead_id=lead_id, cause=item.event),
            data=DeadLetterData(
                consumer=self.group_id,
                reason=reason,
                original_topic=r.topic,
                original_partition=r.partition,
                original_offset=r.offset,
                original_key_b64=base64.b64encode(r.key).decode() if r.key else None,
                original_value_b64=base64.b64encode(r.value or b"").decode(),
                original_headers={k: v.decode(errors="replace") for k, v in r.headers or ()},
                failed_at=datetime.now(UTC),
            ),
        )
        return Outgoing(Topics.DLQ, letter, extra_headers=(("reason", reason[:500].encode()),))


class _AssignmentLog(ConsumerRebalanceListener):
    """Logs each assignment: "partitions assigned" tells that the consumer is ready."""

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if revoked:
            log.info("partitions revoked", partitions=len(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info(
            "partitions assigned", partitions=sorted(f"{p.topic}/{p.partition}" for p in assigned)
        )


def _uuid_or_nil(key: bytes | None) -> uuid.UUID:
    try:
        return uuid.UUID(key.decode()) if key else NIL_UUID
    except (ValueError, UnicodeDecodeError):
        return NIL_UUID


def _is_json_error(exc: ValidationError) -> bool:
    return any(e["type"] == "json_invalid" for e in exc.errors())


def _summarise(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()]
    return "; ".join(parts[:5])
