"""The group-commit batcher with load shedding, on a fake flush and a fake clock: a refused
item is never flushed, a flushed item always gets its flush's outcome."""

from __future__ import annotations

import asyncio
import random

import pytest

from leadflow_capture.intake.admission import DEADLINE, QUEUE_FULL, TOO_SLOW, Admission, Shed
from leadflow_capture.intake.batching import Batcher
from tests.unit.capture.intake.test_admission import FakeClock
from tests.unit.capture.intake.test_batching import FakeFlush


def shedding(
    flush: FakeFlush, clock: FakeClock, *, bound_s: float = 1.0, max_waiting: int = 100
) -> Batcher[int, int]:
    return Batcher(
        flush,
        max_batch=1,
        max_concurrent_flushes=1,
        admission=Admission(bound_s=bound_s, max_waiting=max_waiting, max_batch=1, clock=clock),
    )


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def refusal(waiter: asyncio.Task[int]) -> Shed:
    with pytest.raises(Shed) as refused:
        await asyncio.wait_for(waiter, timeout=5)
    return refused.value


async def test_an_item_whose_bound_passed_while_it_waited_is_refused_and_never_flushed() -> None:
    gate, clock = asyncio.Event(), FakeClock()
    flush = FakeFlush(gate)
    batcher = shedding(flush, clock)
    first = asyncio.create_task(batcher.submit(0))
    await settle()
    waiting = [asyncio.create_task(batcher.submit(i)) for i in (1, 2)]
    await settle()
    clock.advance(1.5)  # the first flush is stuck past everyone's bound
    gate.set()
    assert await first == 0  # taken before its bound: answered with its flush's outcome
    for waiter in waiting:
        assert (await refusal(waiter)).reason == DEADLINE
    assert flush.batches == [[0]]


async def test_a_waiting_item_is_refused_when_its_bound_passes_while_the_flush_is_stuck() -> None:
    gate, clock = asyncio.Event(), FakeClock()
    flush = FakeFlush(gate)
    batcher = shedding(flush, clock, bound_s=0.01)  # its timer fires after ~10 ms
    first = asyncio.create_task(batcher.submit(0))
    await settle()
    second = asyncio.create_task(batcher.submit(1))
    await settle()
    clock.advance(1.0)
    shed = await refusal(second)  # answered while the flush is still held
    assert shed.reason == DEADLINE and shed.retry_after_s >= 1
    assert not first.done() and batcher.waiting == 0
    gate.set()
    assert await first == 0
    assert flush.batches == [[0]]


async def test_an_item_in_a_flush_gets_its_outcome_however_long_the_flush_takes() -> None:
    gate, clock = asyncio.Event(), FakeClock()
    flush = FakeFlush(gate)
    batcher = Batcher(
        flush,
        max_batch=10,
        admission=Admission(bound_s=1.0, max_waiting=100, max_batch=10, clock=clock),
    )
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(3)]
    await settle()
    assert flush.batches == [[0, 1, 2]]
    clock.advance(60)
    await asyncio.sleep(0.05)  # a timer, had one been set for them, would have fired
    gate.set()
    assert await asyncio.gather(*waiters) == [0, 10, 20]


async def test_new_items_are_refused_at_once_when_the_queue_is_full() -> None:
    gate, clock = asyncio.Event(), FakeClock()
    flush = FakeFlush(gate)
    batcher = shedding(flush, clock, max_waiting=2)
    first = asyncio.create_task(batcher.submit(0))
    await settle()
    waiting = [asyncio.create_task(batcher.submit(i)) for i in (1, 2)]
    await settle()
    with pytest.raises(Shed) as full:
        await batcher.submit(3)
    assert full.value.reason == QUEUE_FULL
    with pytest.raises(Shed):
        batcher.admit(clock())  # the same answer, before any costly work
    assert batcher.overload() is not None
    gate.set()
    assert await asyncio.gather(first, *waiting) == [0, 10, 20]
    assert flush.batches == [[0], [1], [2]]


async def test_new_items_are_refused_at_once_while_a_flush_is_stuck() -> None:
    gate, clock = asyncio.Event(), FakeClock()
    flush = FakeFlush(gate)
    batcher = shedding(flush, clock)
    first = asyncio.create_task(batcher.submit(0))
    await settle()
    clock.advance(0.5)
    second = asyncio.create_task(batcher.submit(1))  # slow, not yet stuck: it may wait
    await settle()
    clock.advance(0.9)  # the flush has run 1.4 s, past the bound
    with pytest.raises(Shed) as stuck:
        await batcher.submit(2)
    assert stuck.value.reason == TOO_SLOW
    assert stuck.value.retry_after_s == 2
    gate.set()
    assert await first == 0
    assert await second == 10  # taken at the end of the first flush, within its bound
    assert flush.batches == [[0], [1]]


async def test_without_admission_nothing_is_refused() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush, max_batch=1)
    waiters = [asyncio.create_task(batcher.submit(i, arrived=0.0)) for i in range(3)]
    await settle()
    assert batcher.overload() is None
    gate.set()
    assert await asyncio.gather(*waiters) == [0, 10, 20]


async def test_every_item_is_either_flushed_and_answered_or_refused_and_never_flushed() -> None:
    rng = random.Random(11)
    flushed: list[int] = []

    async def flush(items: list[int]) -> list[int]:
        await asyncio.sleep(rng.random() / 100)
        flushed.extend(items)
        return [-i for i in items]

    batcher = Batcher(
        flush,
        max_batch=8,
        max_concurrent_flushes=1,
        admission=Admission(bound_s=0.01, max_waiting=40, max_batch=8),
    )

    async def caller(i: int) -> int | Shed:
        await asyncio.sleep(rng.random() / 20)
        try:
            return await batcher.submit(i)
        except Shed as shed:
            return shed

    outcomes = await asyncio.gather(*(caller(i) for i in range(400)))
    answered = {i for i, o in enumerate(outcomes) if not isinstance(o, Shed)}
    assert all(outcomes[i] == -i for i in answered)
    assert sorted(flushed) == sorted(answered)  # each answered item flushed once, no other
    await batcher.close()
