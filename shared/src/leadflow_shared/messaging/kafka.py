"""The broker side every process shares: topic creation, the producer, and starting a
client once the broker answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from leadflow_shared.logging import get_logger
from leadflow_shared.retry import Backoff, is_transient, sleep_unless_stopped
from leadflow_shared.settings import ServiceSettings

log = get_logger(__name__)
PRODUCER_BATCH_BYTES = 256 * 1024


def make_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        linger_ms=settings.kafka_linger_ms,
        # The relay hands over whole batches (a relay batch is up to a few hundred events).
        max_batch_size=PRODUCER_BATCH_BYTES,
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
