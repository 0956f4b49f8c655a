"""Group commit: the items of many concurrent callers stored by one flush (one transaction).

``await batcher.submit(item)`` returns once ``item`` has been flushed, with its result.
Items submitted while flushes are running wait and go together in the next flush, so
under load one transaction carries many items, and at low load nothing waits long:

- an idle batcher flushes ``max_wait_ms`` after the first item arrives (0: on the next
  turn of the event loop, which still gathers every request read in the same turn);
- a flush starts at once when ``max_batch`` items are waiting and a flush slot is free;
- at most ``max_concurrent_flushes`` flushes run at a time; when one ends, whatever has
  gathered meanwhile is flushed right away.

The flush callback receives the items in submission order and returns one result per
item, in the same order; an exception instance in place of a result fails that item
alone. If the flush raises, every item of the batch fails with that exception.

A caller cancelled before its item is taken into a flush withdraws the item. Once taken,
the item is flushed anyway and its result is dropped; the other callers are unaffected.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[Sequence[R | BaseException]]],
        *,
        max_batch: int = 100,
        max_wait_ms: float = 0.0,
        max_concurrent_flushes: int = 1,
    ) -> None:
        if max_batch < 1 or max_concurrent_flushes < 1 or max_wait_ms < 0:
            raise ValueError("max_batch and max_concurrent_flushes must be ≥ 1, max_wait_ms ≥ 0")
        self._flush = flush
        self.max_batch = max_batch
        self.max_wait_s = max_wait_ms / 1000
        self.max_concurrent_flushes = max_concurrent_flushes
        self._pending: deque[tuple[T, asyncio.Future[R]]] = deque()
        self._flushing = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._timer: asyncio.Handle | None = None
        self._closed = False

    async def submit(self, item: T) -> R:
        """Wait until ``item`` is flushed; return its result or raise its exception."""
        if self._closed:
            raise RuntimeError("the batcher is closed")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        self._schedule()
        # Cancelling the caller cancels the future; _take() then skips the item.
        return await future

    async def close(self) -> None:
        """Refuse new items, flush the waiting ones and wait for every flush to end."""
        self._closed = True
        while self._pending or self._tasks:
            if self._pending and self._flushing < self.max_concurrent_flushes:
                self._start()
            if self._tasks:
                await asyncio.wait(set(self._tasks))

    def _schedule(self) -> None:
        if self._flushing >= self.max_concurrent_flushes:
            return  # the end of a running flush picks the items up
        if len(self._pending) >= self.max_batch:
            self._start()
        elif self._timer is None and self._pending:
            loop = asyncio.get_running_loop()
            if self.max_wait_s > 0:
                self._timer = loop.call_later(self.max_wait_s, self._on_timer)
            else:
                self._timer = loop.call_soon(self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self._flushing < self.max_concurrent_flushes:
            self._start()
        self._schedule()

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        while self._pending and len(batch) < self.max_batch:
            item, future = self._pending.popleft()
            if not future.done():  # done before its flush: the caller was cancelled
                batch.append((item, future))
        return batch

    def _start(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch = self._take()
        if not batch:
            return
        self._flushing += 1
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"flush returned {len(results)} results for {len(batch)} items")
        except BaseException as exc:
            for _, future in batch:
                if future.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        finally:
            self._flushing -= 1
            if self._pending:
                self._start()  # these items waited for a slot already: no extra delay
                self._schedule()
