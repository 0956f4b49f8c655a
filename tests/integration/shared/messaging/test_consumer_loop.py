"""The consumer loop on a real broker: batches go to the stage, offsets of handled batches
reach the broker (at the latest when the process stops), so a restart does not hand the
same events to the handler again; readiness follows the group membership."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from leadflow_shared.db import Database
from leadflow_shared.events import LeadCaptured
from leadflow_shared.messaging.consumer import JOINED, EventConsumer
from leadflow_shared.messaging.kafka import ensure_topics
from leadflow_shared.messaging.stage import Stage
from leadflow_shared.ports import Clock
from leadflow_shared.readiness import Readiness
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.support import fresh


class Handled:
    """A stage handler that notes what it was given, and says when it has seen them all."""

    def __init__(self, expected: int = 0) -> None:
        self.ids: list[uuid.UUID] = []
        self.calls = 0
        self.expected = expected
        self.all_in = asyncio.Event()

    async def __call__(self, uow: UnitOfWork, events: Sequence[LeadCaptured]) -> None:
        self.calls += 1
        self.ids += [e.id for e in events]
        if self.expected and len(set(self.ids)) >= self.expected:
            self.all_in.set()


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


async def produce(bootstrap: str, topic: str, events: Sequence[LeadCaptured]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        sent = [await producer.send(topic, e.kafka_value(), key=e.kafka_key()) for e in events]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def committed(bootstrap: str, group: str, topic: str) -> int:
    """The offsets the group committed, summed over the topic's partitions."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in range(3)]
    finally:
        await consumer.stop()
    return sum(o or 0 for o in offsets)


async def run_until(consumer: EventConsumer, done: asyncio.Event) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await asyncio.wait_for(done.wait(), timeout=60)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


async def joined_and_fetched(readiness: Readiness, done: asyncio.Event) -> None:
    """Once the consumer has joined its group, a few fetches' time (100 ms each here)."""
    while not readiness.ready:  # noqa: ASYNC110 (readiness is a state, not an event)
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)
    done.set()


async def test_batches_reach_the_stage_and_a_restart_resumes_after_what_was_handled(
    infra_env: Infra, db: Database
) -> None:
    topic, group = f"test.loop.{uuid.uuid4().hex[:8]}", f"test-loop-{uuid.uuid4().hex[:8]}"
    bootstrap = infra_env.kafka_bootstrap
    await ensure_topics(bootstrap, [topic], partitions=3, client_id="test")
    events: list[LeadCaptured] = [fresh("lead.captured") for _ in range(30)]
    await produce(bootstrap, topic, events)

    handled, readiness = Handled(expected=len(events)), Readiness([JOINED])
    stage = Stage(
        service="verify-test",
        consumer=group,
        db=db,
        inbox=VERIFY.inbox(),
        handlers={LeadCaptured: handled},
        clock=Clock(),
    )
    settings = infra_env.settings(
        VerifySettings, "verify", kafka_commit_interval_ms=60_000, kafka_max_batch=7
    )
    consumer = EventConsumer(
        settings=settings,
        group_id=group,
        client_id="test-loop",
        topics=[topic],
        stage=stage,
        readiness=readiness,
    )
    await run_until(consumer, handled.all_in)
    assert sorted(handled.ids) == sorted(e.id for e in events)
    assert handled.calls >= len(events) // 7  # batches, not one call per event
    assert not readiness.ready  # it left its group when it stopped
    # The commit interval is a minute, yet stopping committed what was handled.
    assert await committed(bootstrap, group, topic) == len(events)

    again, rejoined, looked = Handled(), Readiness([JOINED]), asyncio.Event()
    stage.handlers = {LeadCaptured: again}
    restarted = EventConsumer(
        settings=settings,
        group_id=group,
        client_id="test-loop",
        topics=[topic],
        stage=stage,
        readiness=rejoined,
    )
    watcher = asyncio.create_task(joined_and_fetched(rejoined, looked))
    await run_until(restarted, looked)
    await watcher
    assert again.ids == []
