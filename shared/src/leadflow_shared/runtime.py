"""Process entry points shared by every service: ``api``, ``consumer`` and ``migrate``."""

from __future__ import annotations

import asyncio
import functools
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

import sqlalchemy as sa
from prometheus_client import start_http_server

from leadflow_shared.db import Database
from leadflow_shared.events import Topics
from leadflow_shared.kafka import (
    EventConsumer,
    Handler,
    ensure_topics,
    make_producer,
    start_with_retry,
)
from leadflow_shared.logging import get_logger
from leadflow_shared.outbox import Outbox, OutboxRelay
from leadflow_shared.retry import sleep_unless_stopped
from leadflow_shared.settings import ServiceSettings

log = get_logger(__name__)


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def run_worker(
    *,
    service: str,
    settings: ServiceSettings,
    db: Database,
    outbox: Outbox,
    topics: Sequence[str],
    consumer: EventConsumer | None,
    stop: asyncio.Event,
    on_start: Callable[[], Awaitable[None]] | None = None,
    chores: Sequence[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = (),
) -> None:
    """The ``consumer`` process: create topics, then run the consumer and the outbox relay
    until ``stop`` is set (SIGTERM / SIGINT), finishing the batch in hand."""

    async def create_topics() -> None:
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            topics,
            partitions=settings.kafka_topic_partitions,
            client_id=f"leadflow-{service}-admin",
        )

    if settings.consumer_metrics_port is not None:
        # The consumer's own counters (events consumed, retries, relay errors).
        start_http_server(settings.consumer_metrics_port, addr=settings.http_host)
    if not await start_with_retry(create_topics, "Kafka", stop):
        return
    if on_start is not None:
        await on_start()
    producer = make_producer(settings, client_id=f"leadflow-{service}-relay")
    if not await start_with_retry(producer.start, "Kafka", stop):
        return
    relay = OutboxRelay(
        service=service,
        db=db,
        outbox=outbox,
        producer=producer,
        batch_size=settings.outbox_batch_size,
        poll_interval_s=settings.outbox_poll_interval_s,
    )
    tasks = [asyncio.create_task(relay.run(stop), name="outbox-relay")]
    tasks += [asyncio.create_task(chore(stop)) for chore in chores]
    if consumer is not None:
        tasks.append(asyncio.create_task(consumer.run(stop), name="consumer"))
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
        log.info("worker stopped")


async def run_service_worker(
    *,
    service: str,
    settings: ServiceSettings,
    outbox_table: sa.Table,
    inbox_table: sa.Table,
    subscribe: Sequence[str],
    handlers: dict[str, Handler],
    stop: asyncio.Event,
    extra_topics: Sequence[str] = (),
    on_start: Callable[[Database], Awaitable[None]] | None = None,
    chores: Sequence[Callable[[Database, asyncio.Event], Coroutine[Any, Any, None]]] = (),
) -> None:
    """Wire a service's consumer process: its database, outbox, consumer and relay."""
    db = Database(settings.database_url, pool_size=3, application_name=f"{service}-worker")
    outbox = Outbox(outbox_table)
    consumer = (
        EventConsumer(
            service=service,
            settings=settings,
            db=db,
            outbox=outbox,
            inbox=inbox_table,
            topics=subscribe,
            handlers=handlers,
        )
        if subscribe
        else None
    )
    try:
        await run_worker(
            service=service,
            settings=settings,
            db=db,
            outbox=outbox,
            topics=[*Topics.ALL, *extra_topics],
            consumer=consumer,
            stop=stop,
            on_start=(lambda: on_start(db)) if on_start is not None else None,
            chores=[functools.partial(chore, db) for chore in chores],
        )
    finally:
        await db.dispose()


async def every(
    interval_s: float, stop: asyncio.Event, work: Callable[[], Awaitable[object]], what: str
) -> None:
    """Run ``work`` every ``interval_s`` seconds until ``stop``; failures are logged and retried."""
    while not stop.is_set():
        try:
            await work()
        except Exception as exc:
            log.warning(f"{what} failed", error=repr(exc))
        await sleep_unless_stopped(stop, interval_s)
