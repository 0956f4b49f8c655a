"""The consumer loop's promises, on real Postgres: each event handled once, poison
dead-lettered, transient failures retried without skipping, a failing record isolated."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.db import Database
from leadflow_shared.events import DeadLetter, LeadCaptured, Topics, parse_event
from leadflow_shared.kafka import EventConsumer, PoisonMessage
from leadflow_shared.outbox import Outbox, Outgoing
from leadflow_verify.settings import VerifySettings
from leadflow_verify.tables import inbox, outbox
from tests.conftest import Infra
from tests.unit.shared.test_events import sample

_offsets = iter(range(10**9))


def captured_record(
    event: LeadCaptured | None = None, *, value: bytes | None = None
) -> ConsumerRecord[bytes, bytes]:
    if value is None:
        event = event or captured()
        value = event.kafka_value()
    return ConsumerRecord(
        topic=Topics.CAPTURED,
        partition=0,
        offset=next(_offsets),
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=[("type", b"lead.captured")],
    )


def captured() -> LeadCaptured:
    raw: dict[str, Any] = sample("lead.captured")
    raw["id"], raw["lead_id"] = str(uuid.uuid4()), str(uuid.uuid4())
    event = parse_event(json.dumps(raw))
    assert isinstance(event, LeadCaptured)
    return event


class Recorder:
    """A handler that records calls and can fail in scripted ways."""

    def __init__(self) -> None:
        self.calls: list[uuid.UUID] = []
        self.failures: dict[uuid.UUID, list[BaseException]] = {}

    async def __call__(self, session: AsyncSession, event: LeadCaptured) -> Sequence[Outgoing]:
        self.calls.append(event.id)
        planned = self.failures.get(event.id)
        if planned:
            raise planned.pop(0)
        return []


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    database = Database(infra_env.service_url("verify"), pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def consumer(infra_env: Infra, db: Database, recorder: Recorder) -> EventConsumer:
    return EventConsumer(
        service="verify-test",
        settings=infra_env.settings(VerifySettings, "verify"),
        db=db,
        outbox=Outbox(outbox),
        inbox=inbox,
        topics=[Topics.CAPTURED],
        handlers={"lead.captured": recorder},
        group_id="leadflow-verify-test",
        max_attempts=3,
    )


async def dead_letters(db: Database, original_offsets: set[int]) -> list[DeadLetter]:
    async with db.unit_of_work() as uow:
        values = (
            await uow.session.execute(
                outbox.select()
                .with_only_columns(outbox.c.value)
                .where(outbox.c.topic == Topics.DLQ)
            )
        ).scalars()
        letters = [parse_event(v) for v in values]
    return [
        e
        for e in letters
        if isinstance(e, DeadLetter) and e.data.original_offset in original_offsets
    ]


async def test_a_redelivered_event_is_handled_once(
    consumer: EventConsumer, recorder: Recorder
) -> None:
    event = captured()
    await consumer.process([captured_record(event)])
    await consumer.process([captured_record(event), captured_record(event)])
    assert recorder.calls == [event.id]


async def test_the_same_event_twice_in_one_batch_is_handled_once(
    consumer: EventConsumer, recorder: Recorder
) -> None:
    event = captured()
    await consumer.process([captured_record(event), captured_record(event)])
    assert recorder.calls == [event.id]


async def test_undecodable_records_are_dead_lettered_with_their_bytes(
    consumer: EventConsumer, db: Database, recorder: Recorder
) -> None:
    good = captured()
    poison = captured_record(value=b"\x00\x01 binary junk")
    records = [poison, captured_record(good)]
    await consumer.process(records)
    await consumer.process([poison])  # redelivered: not dead-lettered twice
    (letter,) = await dead_letters(db, {poison.offset})
    assert base64.b64decode(letter.data.original_value_b64) == b"\x00\x01 binary junk"
    assert letter.data.reason.startswith("undecodable message")
    assert letter.data.original_headers == {"type": "lead.captured"}
    assert recorder.calls == [good.id]


async def test_a_handler_verdict_of_poison_dead_letters_at_once(
    consumer: EventConsumer, db: Database, recorder: Recorder
) -> None:
    event = captured()
    recorder.failures[event.id] = [PoisonMessage("source no longer exists")]
    record = captured_record(event)
    await consumer.process([record])
    (letter,) = await dead_letters(db, {record.offset})
    assert letter.data.reason == "rejected by handler: source no longer exists"
    assert letter.lead_id == event.lead_id and letter.causation_id == event.id
    assert recorder.calls == [event.id]


async def test_a_failing_record_is_isolated_retried_then_dead_lettered(
    consumer: EventConsumer, db: Database, recorder: Recorder
) -> None:
    before, broken, after = captured(), captured(), captured()
    recorder.failures[broken.id] = [ValueError("bug")] * 10
    records = [captured_record(e) for e in (before, broken, after)]
    await consumer.process(records)
    (letter,) = await dead_letters(db, {records[1].offset})
    assert "handler failed 3 times" in letter.data.reason and "bug" in letter.data.reason
    # The batch was rolled back once, then each record went alone.
    assert recorder.calls.count(broken.id) == 1 + 3
    assert set(recorder.calls) == {before.id, broken.id, after.id}
    assert recorder.calls.count(after.id) == 1  # the batch stopped at the broken record
    calls = list(recorder.calls)
    await consumer.process(records)  # a redelivery: everything is in the inbox already
    assert recorder.calls == calls


async def test_transient_failures_are_retried_and_never_skip_the_event(
    consumer: EventConsumer, db: Database, recorder: Recorder
) -> None:
    event = captured()
    recorder.failures[event.id] = [ConnectionResetError("db gone")] * 5
    record = captured_record(event)
    await asyncio.wait_for(consumer.process([record]), timeout=30)
    assert recorder.calls == [event.id] * 6
    assert await dead_letters(db, {record.offset}) == []
