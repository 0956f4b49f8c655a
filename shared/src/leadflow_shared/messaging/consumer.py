"""The consumer loop: poll a batch, hand it to the stage, and once the stage has committed
it, count its offsets as handled; they are committed to the broker every so often, when
partitions move and at stop. A redelivered batch is harmless (the inbox drops what was
handled)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from leadflow_shared.logging import get_logger
from leadflow_shared.messaging.decoding import Record
from leadflow_shared.messaging.kafka import start_with_retry
from leadflow_shared.messaging.stage import Stage
from leadflow_shared.metrics import ASSIGNED_PARTITIONS
from leadflow_shared.readiness import Readiness
from leadflow_shared.settings import ServiceSettings

log = get_logger(__name__)
JOINED = "joined its consumer group"
POLL_TIMEOUT_MS = 1000  # how long a poll waits for prefetched records; bounds shutdown


class Pace:
    """How long a fetch may wait at the broker for records: short while records flow,
    long once none came for ``idle_after_s``.

    A broker answers a fetch when records arrive or the wait is over; the local broker
    (Tansu 0.6) answers a fetch that finds records at once, but one that finds none only
    when its wait is over (records arriving meanwhile wait for it), so on a quiet hop the
    wait is the latency, and when idle each fetch costs both sides a wake-up. The first
    records after a quiet spell wait up to the idle wait; then the busy wait applies. Set
    both equal to turn it off.
    """

    def __init__(
        self,
        busy_ms: int,
        idle_ms: int,
        idle_after_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.busy_ms = busy_ms
        self.idle_ms = idle_ms
        self.idle_after_s = idle_after_s
        self._clock = clock
        self._last_records = float("-inf")  # a process starts idle

    def wait_ms(self, got_records: bool) -> int:
        """The wait for the next fetch, after a poll that got records or not."""
        now = self._clock()
        if got_records:
            self._last_records = now
        return self.busy_ms if now - self._last_records < self.idle_after_s else self.idle_ms


class Offsets:
    """Offsets handled (committed to Postgres) but not yet committed to the broker. They
    go to the broker at most every ``interval_s``: a redelivery in between is harmless,
    and each commit is a request the broker and this process have to handle."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._pending: dict[TopicPartition, int] = {}
        self._last = clock()

    def handled(self, records: Sequence[Record]) -> None:
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            self._pending[tp] = max(self._pending.get(tp, 0), r.offset + 1)

    def due(self) -> bool:
        return bool(self._pending) and self._clock() - self._last >= self.interval_s

    def take(self, partitions: Iterable[TopicPartition] | None = None) -> dict[TopicPartition, int]:
        """The pending offsets (of ``partitions``, else all), no longer pending."""
        chosen = list(self._pending) if partitions is None else list(partitions)
        taken = {tp: self._pending.pop(tp) for tp in chosen if tp in self._pending}
        if partitions is None:
            self._last = self._clock()
        return taken


class EventConsumer:
    """Consumes ``topics`` in a group and hands every batch to ``stage``."""

    def __init__(
        self,
        *,
        settings: ServiceSettings,
        group_id: str,
        client_id: str,
        topics: Sequence[str],
        stage: Stage,
        readiness: Readiness | None = None,
    ) -> None:
        self.settings = settings
        self.group_id = group_id
        self.client_id = client_id
        self.topics = list(topics)
        self.stage = stage
        self.readiness = readiness
        s = settings
        self.pace = Pace(
            s.kafka_fetch_max_wait_ms, s.kafka_idle_fetch_max_wait_ms, s.kafka_idle_after_s
        )
        self.offsets = Offsets(s.kafka_commit_interval_ms / 1000)

    def _make_consumer(self) -> AIOKafkaConsumer:
        s = self.settings
        return AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=self.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=s.kafka_session_timeout_ms,
            rebalance_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            max_poll_records=s.kafka_max_batch,
            fetch_max_wait_ms=self.pace.wait_ms(got_records=False),
            # The fetcher's own wake-up when nothing happens (default 200 ms): fetch
            # answers and new assignments wake it anyway.
            consumer_timeout_ms=POLL_TIMEOUT_MS,
        )

    async def run(self, stop: asyncio.Event) -> None:
        consumer = self._make_consumer()
        consumer.subscribe(
            topics=self.topics,
            listener=_Assignments(consumer, self.offsets, self.stage.service, self.readiness),
        )
        if not await start_with_retry(consumer.start, "Kafka", stop):
            return
        log.info("consumer started", topics=self.topics, group=self.group_id)
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
                records = [r for part in batches.values() for r in part]
                _set_fetch_wait(consumer, self.pace.wait_ms(bool(records)))
                if records:
                    await self.stage.process(records, stop)
                    self.offsets.handled(records)
                if self.offsets.due():
                    await _commit(consumer, self.offsets.take())
        finally:
            if self.readiness is not None:
                self.readiness.report(JOINED, False)
            with contextlib.suppress(Exception):
                await _commit(consumer, self.offsets.take())
            await consumer.stop()
            log.info("consumer stopped")


def _set_fetch_wait(consumer: AIOKafkaConsumer, wait_ms: int) -> None:
    """Apply to the next fetch request (aiokafka reads the setting for each request)."""
    consumer._fetcher._fetch_max_wait_ms = wait_ms


async def _commit(consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
    if not offsets:
        return
    try:
        await consumer.commit(offsets)
    except (CommitFailedError, KafkaError) as exc:
        # The database already holds the result; a redelivery is dropped by the inbox.
        log.warning("offset commit failed; redelivery will be deduplicated", error=repr(exc))


class _Assignments(ConsumerRebalanceListener):
    """Commits what was handled of partitions about to move, reports the group membership
    as readiness, and logs each assignment."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        offsets: Offsets,
        service: str,
        readiness: Readiness | None,
    ) -> None:
        self.consumer = consumer
        self.offsets = offsets
        self.assigned = ASSIGNED_PARTITIONS.labels(service)
        self.readiness = readiness

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if revoked:
            log.info("partitions revoked", partitions=len(revoked))
            await _commit(self.consumer, self.offsets.take(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info(
            "partitions assigned", partitions=sorted(f"{p.topic}/{p.partition}" for p in assigned)
        )
        self.assigned.set(len(assigned))
        if self.readiness is not None:
            self.readiness.report(JOINED, True)
