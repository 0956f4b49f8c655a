"""The stage's promises, on real Postgres: a batch in one call and one transaction, each
event handled once, poison dead-lettered, transient failures retried without skipping, a
failing record isolated while the rest of its batch commits."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiokafka import ConsumerRecord

from leadflow_shared.db import Database
from leadflow_shared.events import (
    DeadLetter,
    LeadCaptured,
    LeadFeedback,
    Topics,
    new_envelope_fields,
    parse_event,
)
from leadflow_shared.events.v1 import Assignee, LeadFeedbackData
from leadflow_shared.messaging.stage import PoisonMessage, Stage
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.service import SERVICE as VERIFY
from tests.conftest import Infra
from tests.support import fresh

_offsets = iter(range(10**9))


def record(
    event: LeadCaptured | None = None, *, value: bytes | None = None
) -> ConsumerRecord[bytes, bytes]:
    if value is None:
        value = (event or captured()).kafka_value()
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
    event: LeadCaptured = fresh("lead.captured")
    return event


def feedback_for(event: LeadCaptured) -> LeadFeedback:
    return LeadFeedback(
        **new_envelope_fields(producer="test", lead_id=event.lead_id, cause=event),
        data=LeadFeedbackData(
            outcome="contacted",
            assignee=Assignee(kind="rep", id="rep-anna"),
            reported_at=event.occurred_at,
        ),
    )


class Recorder:
    """A stage handler that records its calls, publishes one event per lead, and fails in
    scripted ways."""

    def __init__(self) -> None:
        self.calls: list[list[uuid.UUID]] = []
        self.failures: dict[uuid.UUID, list[BaseException]] = {}

    @property
    def handled(self) -> list[uuid.UUID]:
        return [event_id for call in self.calls for event_id in call]

    async def __call__(self, uow: UnitOfWork, events: Sequence[LeadCaptured]) -> None:
        self.calls.append([e.id for e in events])
        for event in events:
            uow.publish(Topics.FEEDBACK, feedback_for(event))
        for event in events:
            planned = self.failures.get(event.id)
            if planned:
                raise planned.pop(0)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def stage(db: Database, recorder: Recorder) -> Stage:
    return Stage(
        service="verify-test",
        consumer="leadflow-verify-test",
        db=db,
        inbox=VERIFY.inbox(),
        handlers={LeadCaptured: recorder},
        clock=Clock(),
        max_attempts=3,
    )


async def published(db: Database, topic: str) -> list[Any]:
    table = VERIFY.table("outbox")
    async with db.unit_of_work() as uow:
        values = (
            await uow.session.execute(
                table.select()
                .with_only_columns(table.c.value)
                .where(table.c.topic == topic)
                .order_by(table.c.id)
            )
        ).scalars()
        return [parse_event(v) for v in values]


async def dead_letters(db: Database, original_offsets: set[int]) -> list[DeadLetter]:
    return [
        e
        for e in await published(db, Topics.DLQ)
        if isinstance(e, DeadLetter) and e.data.original_offset in original_offsets
    ]


async def feedback_leads(db: Database) -> list[uuid.UUID]:
    return [e.lead_id for e in await published(db, Topics.FEEDBACK)]


async def test_a_batch_goes_to_its_handler_in_one_call_in_arrival_order(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    events = [captured() for _ in range(5)]
    await stage.process([record(e) for e in events])
    assert recorder.calls == [[e.id for e in events]]
    staged = await feedback_leads(db)
    assert [e.lead_id for e in events] == [
        lead for lead in staged if lead in {e.lead_id for e in events}
    ]


async def test_a_redelivered_event_is_handled_once(stage: Stage, recorder: Recorder) -> None:
    event = captured()
    await stage.process([record(event)])
    await stage.process([record(event), record(event)])
    assert recorder.handled == [event.id]


async def test_the_same_event_twice_in_one_batch_is_handled_once(
    stage: Stage, recorder: Recorder
) -> None:
    event = captured()
    await stage.process([record(event), record(event)])
    assert recorder.handled == [event.id]


async def test_events_of_a_class_without_a_handler_are_skipped(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    event = captured()
    other = feedback_for(event)
    other_record = record(value=other.kafka_value())
    await stage.process([other_record, record(event)])
    assert recorder.handled == [event.id]
    assert await dead_letters(db, {other_record.offset}) == []


async def test_undecodable_records_are_dead_lettered_with_their_bytes(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    good = captured()
    poison = record(value=b"\x00\x01 binary junk")
    await stage.process([poison, record(good)])
    await stage.process([poison])  # redelivered: not dead-lettered twice
    (letter,) = await dead_letters(db, {poison.offset})
    assert base64.b64decode(letter.data.original_value_b64) == b"\x00\x01 binary junk"
    assert letter.data.reason.startswith("undecodable message")
    assert letter.data.original_headers == {"type": "lead.captured"}
    assert letter.data.consumer == "leadflow-verify-test"
    assert recorder.handled == [good.id]


async def test_a_handler_verdict_of_poison_dead_letters_that_record_at_once(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    event = captured()
    recorder.failures[event.id] = [PoisonMessage("source no longer exists")]
    poisoned = record(event)
    await stage.process([poisoned])
    (letter,) = await dead_letters(db, {poisoned.offset})
    assert letter.data.reason == "rejected by handler: source no longer exists"
    assert letter.lead_id == event.lead_id and letter.causation_id == event.id
    assert recorder.handled == [event.id]


async def test_a_failing_record_is_isolated_and_the_rest_of_its_batch_commits(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    events = [captured() for _ in range(8)]
    broken = events[5]
    recorder.failures[broken.id] = [ValueError("bug")] * 10
    records = [record(e) for e in events]
    await stage.process(records)
    (letter,) = await dead_letters(db, {records[5].offset})
    assert "handler failed 3 times" in letter.data.reason and "bug" in letter.data.reason
    # Halved until the broken record was alone (8 → 4 → 2 → 1), then retried alone.
    assert recorder.handled.count(broken.id) == 4 + 2
    assert set(recorder.handled) == {e.id for e in events}
    # The others committed exactly once, with what they published, and in order.
    good = [e.lead_id for e in events if e is not broken]
    staged = [lead for lead in await feedback_leads(db) if lead in {e.lead_id for e in events}]
    assert staged == good
    calls = list(recorder.calls)
    await stage.process(records)  # a redelivery: everything is in the inbox already
    assert recorder.calls == calls


async def test_transient_failures_are_retried_and_never_skip_the_event(
    stage: Stage, db: Database, recorder: Recorder
) -> None:
    event = captured()
    recorder.failures[event.id] = [ConnectionResetError("db gone")] * 5
    retried = record(event)
    await asyncio.wait_for(stage.process([retried]), timeout=30)
    assert recorder.handled == [event.id] * 6
    assert await dead_letters(db, {retried.offset}) == []
    assert (await feedback_leads(db)).count(event.lead_id) == 1
