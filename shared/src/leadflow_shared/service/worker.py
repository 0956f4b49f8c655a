"""The ``consumer`` process of a service, built from its declaration:

    operations endpoint ─► topics ─► on_start ─► producer ─► relay + consumer + chores

It creates the topics it needs (Tansu's memory engine forgets them), relays the outbox,
consumes its subscriptions in batches, runs its chores (the kit's own: pruning the inbox
and outbox), and reports readiness on its operations endpoint. SIGTERM / SIGINT set
``stop``: the batch in hand is finished, then everything stops.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine, Mapping
from typing import Any

from prometheus_client import Counter

from leadflow_shared.events import Topics
from leadflow_shared.logging import get_logger
from leadflow_shared.messaging.consumer import JOINED, EventConsumer
from leadflow_shared.messaging.kafka import ensure_topics, make_producer, start_with_retry
from leadflow_shared.messaging.pruning import prune
from leadflow_shared.messaging.relay import RELAYING, OutboxRelay
from leadflow_shared.messaging.stage import Stage
from leadflow_shared.ports import Clock
from leadflow_shared.readiness import Readiness
from leadflow_shared.retry import sleep_unless_stopped
from leadflow_shared.service.declaration import Chore, S, Service
from leadflow_shared.service.operations import OperationsServer
from leadflow_shared.service.runtime import Runtime, build_runtime
from leadflow_shared.settings import ServiceSettings

log = get_logger(__name__)
CONSUMER_POOL_SIZE = 3
PRUNED = Counter(
    "leadflow_pruned_total", "Messaging rows pruned past their retention", ["service", "table"]
)


def _prune_interval(settings: ServiceSettings) -> float:
    return settings.prune_interval_s


async def _prune(runtime: Runtime[Any]) -> None:
    s = runtime.settings
    pruned = await prune(
        runtime.db,
        runtime.service.inbox(),
        runtime.service.outbox(),
        inbox_retention_s=s.inbox_retention_s,
        outbox_retention_s=s.outbox_retention_s,
    )
    PRUNED.labels(runtime.service.name, "inbox").inc(pruned.inbox)
    PRUNED.labels(runtime.service.name, "outbox").inc(pruned.outbox)


PRUNE = Chore("pruning the inbox and outbox", _prune_interval, _prune)


async def run_consumer(
    service: Service[S],
    settings: S,
    stop: asyncio.Event,
    ports: Mapping[str, object] | None = None,
) -> None:
    if service.preflight is not None:
        service.preflight(settings)
    # A stage retries a batch whose connection broke: no need to test each one first.
    runtime = build_runtime(
        service,
        settings,
        pool_size=CONSUMER_POOL_SIZE,
        role="consumer",
        pre_ping=False,
        ports=ports,
    )
    readiness = Readiness([RELAYING, *([JOINED] if service.subscriptions else [])])
    operations = None
    if settings.consumer_http_port is not None:
        operations = OperationsServer(readiness, settings.http_host, settings.consumer_http_port)
        await operations.start()
    try:
        await _run(runtime, readiness, stop)
    finally:
        if operations is not None:
            await operations.close()
        await runtime.db.dispose()


async def _run(runtime: Runtime[Any], readiness: Readiness, stop: asyncio.Event) -> None:
    service, settings = runtime.service, runtime.settings

    async def create_topics() -> None:
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [*Topics.ALL, *service.topics(settings)],
            partitions=settings.kafka_topic_partitions,
            client_id=f"leadflow-{service.name}-admin",
        )

    if not await start_with_retry(create_topics, "Kafka", stop):
        return
    if service.on_start is not None:
        await service.on_start(runtime)
    producer = make_producer(settings, client_id=f"leadflow-{service.name}-relay")
    if not await start_with_retry(producer.start, "Kafka", stop):
        return
    relay = OutboxRelay(
        service=service.name,
        db=runtime.db,
        outbox=service.outbox(),
        producer=producer,
        batch_size=settings.outbox_batch_size,
        poll_interval_s=settings.outbox_poll_interval_s,
        linger_s=settings.outbox_linger_ms / 1000,
        retention_s=settings.outbox_retention_s,
        readiness=readiness,
    )
    work: list[Coroutine[Any, Any, None]] = [relay.run(stop)]
    work += [_every(chore, runtime, stop) for chore in (PRUNE, *service.chores)]
    if service.subscriptions:
        stage = Stage(
            service=service.name,
            consumer=service.group_id,
            db=runtime.db,
            inbox=service.inbox(),
            handlers=runtime.stage_handlers(),
            clock=runtime.port("clock", Clock),
        )
        consumer = EventConsumer(
            settings=settings,
            group_id=service.group_id,
            client_id=f"leadflow-{service.name}",
            topics=sorted({Topics.of(s.event) for s in service.subscriptions}),
            stage=stage,
            readiness=readiness,
        )
        work.append(consumer.run(stop))
    # What is alive after start-up lives as long as the process: keep it out of the
    # collector's full passes (as the API processes do).
    gc.collect()
    gc.freeze()
    tasks = [asyncio.create_task(w) for w in work]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                stop.set()
                raise task.exception()  # type: ignore[misc]
        await asyncio.gather(*tasks)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
        log.info("consumer process stopped")


async def _every(chore: Chore, runtime: Runtime[Any], stop: asyncio.Event) -> None:
    """Run ``chore`` every so often until ``stop``; a failure is logged and tried again."""
    interval = chore.every_s(runtime.settings)
    while not stop.is_set():
        await sleep_unless_stopped(stop, interval)
        if stop.is_set():
            return
        try:
            await chore.run(runtime)
        except Exception as exc:
            log.warning(f"{chore.name} failed", error=repr(exc))
