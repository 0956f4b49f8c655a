"""The group-commit batcher on a fake flush: batching, limits, errors, cancellation."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import pytest

from leadflow_capture.intake.batching import Batcher


class FakeFlush:
    """Records every batch; answers ``item * 10``. ``gate`` holds flushes until it is set."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.batches: list[list[int]] = []
        self.gate = gate
        self.running = 0
        self.most_running = 0

    async def __call__(self, items: list[int]) -> Sequence[int | BaseException]:
        self.batches.append(list(items))
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(0)
            return [item * 10 for item in items]
        finally:
            self.running -= 1


async def test_concurrent_items_share_one_flush_and_get_their_own_results() -> None:
    flush = FakeFlush()
    batcher = Batcher(flush, max_batch=100)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
    assert results == [i * 10 for i in range(20)]
    assert flush.batches == [list(range(20))]


async def test_a_lone_item_is_flushed_promptly() -> None:
    flush = FakeFlush()
    batcher = Batcher(flush, max_wait_ms=0)
    assert await asyncio.wait_for(batcher.submit(7), timeout=1) == 70


async def test_an_idle_batcher_waits_up_to_max_wait_for_company() -> None:
    flush = FakeFlush()
    batcher = Batcher(flush, max_wait_ms=50, max_batch=10)
    first = asyncio.create_task(batcher.submit(1))
    for _ in range(5):
        await asyncio.sleep(0)
    assert flush.batches == []  # still waiting for company
    second = asyncio.create_task(batcher.submit(2))
    assert await asyncio.wait_for(asyncio.gather(first, second), timeout=5) == [10, 20]
    assert flush.batches == [[1, 2]]


async def test_a_full_batch_does_not_wait_for_the_timer() -> None:
    flush = FakeFlush()
    batcher = Batcher(flush, max_wait_ms=60_000, max_batch=3)
    results = await asyncio.wait_for(
        asyncio.gather(*(batcher.submit(i) for i in range(3))), timeout=5
    )
    assert results == [0, 10, 20]


async def test_batches_never_exceed_max_batch_nor_flushes_the_concurrency_limit() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush, max_batch=10, max_concurrent_flushes=2)
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(45)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert [len(b) for b in flush.batches] == [10, 10]  # two running, the rest waits
    gate.set()
    assert await asyncio.gather(*waiters) == [i * 10 for i in range(45)]
    assert all(len(b) <= 10 for b in flush.batches)
    assert sorted(i for b in flush.batches for i in b) == list(range(45))
    assert flush.most_running == 2


async def test_items_arriving_during_a_flush_go_together_in_the_next_one() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush, max_batch=100, max_concurrent_flushes=1)
    first = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(batcher.submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(first, *later)
    assert flush.batches == [[0], [1, 2, 3, 4, 5]]


async def test_a_failed_flush_fails_every_item_of_its_batch_with_the_same_error() -> None:
    boom = RuntimeError("database down")

    async def failing(items: list[int]) -> list[int]:
        raise boom

    batcher: Batcher[int, int] = Batcher(failing)
    outcomes = await asyncio.gather(*(batcher.submit(i) for i in range(5)), return_exceptions=True)
    assert outcomes == [boom] * 5


async def test_the_batcher_recovers_after_a_failed_flush() -> None:
    calls = 0

    async def flaky(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("first flush fails")
        return items

    batcher = Batcher(flaky)
    with pytest.raises(RuntimeError):
        await batcher.submit(1)
    assert await batcher.submit(2) == 2


async def test_an_exception_as_a_result_fails_only_that_item() -> None:
    bad = ValueError("item 2 is poison")

    async def flush(items: list[int]) -> list[int | BaseException]:
        return [bad if i == 2 else i for i in items]

    batcher = Batcher(flush)
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(4)]
    with pytest.raises(ValueError, match="poison"):
        await waiters[2]
    assert [await w for w in (waiters[0], waiters[1], waiters[3])] == [0, 1, 3]


async def test_a_flush_returning_the_wrong_number_of_results_fails_the_batch() -> None:
    async def short(items: list[int]) -> list[int]:
        return items[:-1]

    batcher = Batcher(short)
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(batcher.submit(i) for i in range(3)), return_exceptions=True), timeout=5
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)


async def test_a_caller_cancelled_before_the_flush_withdraws_its_item() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush, max_concurrent_flushes=1)
    busy = asyncio.create_task(batcher.submit(0))  # occupies the only slot
    await asyncio.sleep(0.01)
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(1, 4)]
    await asyncio.sleep(0)
    waiters[1].cancel()
    gate.set()
    assert await busy == 0
    assert await waiters[0] == 10 and await waiters[2] == 30
    with pytest.raises(asyncio.CancelledError):
        await waiters[1]
    assert flush.batches == [[0], [1, 3]]


async def test_a_caller_cancelled_during_its_flush_does_not_disturb_the_others() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush)
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(3)]
    await asyncio.sleep(0.01)
    assert flush.batches == [[0, 1, 2]]
    waiters[0].cancel()
    gate.set()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert outcomes[1:] == [10, 20]
    assert await batcher.submit(5) == 50  # still serving


async def test_no_item_is_lost_or_duplicated_under_random_timing() -> None:
    rng = random.Random(7)
    flushed: list[int] = []

    async def flush(items: list[int]) -> list[int]:
        await asyncio.sleep(rng.random() / 200)
        flushed.extend(items)
        return [-i for i in items]

    batcher = Batcher(flush, max_batch=16, max_wait_ms=1, max_concurrent_flushes=2)

    async def caller(i: int) -> int:
        await asyncio.sleep(rng.random() / 50)
        return await batcher.submit(i)

    results = await asyncio.gather(*(caller(i) for i in range(500)))
    assert results == [-i for i in range(500)]
    assert sorted(flushed) == list(range(500))


async def test_close_flushes_waiting_items_then_refuses_new_ones() -> None:
    gate = asyncio.Event()
    flush = FakeFlush(gate)
    batcher = Batcher(flush, max_batch=2, max_concurrent_flushes=1)
    waiters = [asyncio.create_task(batcher.submit(i)) for i in range(5)]
    await asyncio.sleep(0)
    closing = asyncio.create_task(batcher.close())
    await asyncio.sleep(0.01)
    assert not closing.done()
    gate.set()
    await asyncio.wait_for(closing, timeout=5)
    assert [w.result() for w in waiters] == [0, 10, 20, 30, 40]
    with pytest.raises(RuntimeError, match="closed"):
        await batcher.submit(9)


def test_limits_are_checked() -> None:
    async def flush(items: list[int]) -> list[int]:
        return items

    with pytest.raises(ValueError):
        Batcher(flush, max_batch=0)
    with pytest.raises(ValueError):
        Batcher(flush, max_concurrent_flushes=0)
