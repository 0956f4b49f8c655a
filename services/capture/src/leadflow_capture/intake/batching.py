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

With an :class:`~leadflow_capture.intake.admission.Admission` (load shedding), an item may
wait for its flush at most the admission's bound from its arrival. ``submit`` refuses it
at once (raises :class:`~leadflow_capture.intake.admission.Shed`) when it could not be
taken in time; an item still waiting when its bound passes is refused then (one timer for
the whole queue, at its head's deadline), and an item whose bound passed is never taken
into a flush. Each item's future is settled once, on the event loop, either by a refusal
while the item is in the queue or by the outcome of the flush that took it: an item
refused was in no flush, and an item in a flush gets that flush's outcome however long it
takes, so a refused item is never stored and an accepted one always is.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from leadflow_capture.intake.admission import DEADLINE, Admission

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
        admission: Admission | None = None,
    ) -> None:
        if max_batch < 1 or max_concurrent_flushes < 1 or max_wait_ms < 0:
            raise ValueError("max_batch and max_concurrent_flushes must be ≥ 1, max_wait_ms ≥ 0")
        if admission is not None and (
            admission.max_batch != max_batch or admission.slots != max_concurrent_flushes
        ):
            raise ValueError("the admission must count the batcher's max_batch and flush slots")
        self._flush = flush
        self.max_batch = max_batch
        self.max_wait_s = max_wait_ms / 1000
        self.max_concurrent_flushes = max_concurrent_flushes
        self.admission = admission
        # each waiting item, its caller's future and its deadline (inf: none)
        self._pending: deque[tuple[T, asyncio.Future[R], float]] = deque()
        self._flushing = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._timer: asyncio.Handle | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._closed = False

    @property
    def waiting(self) -> int:
        """Items waiting for a flush (some may be of callers cancelled meanwhile)."""
        return len(self._pending)

    def admit(self, arrived: float) -> None:
        """Raise :class:`Shed` when an item that arrived at ``arrived`` (the admission's
        clock) would be refused now: a check a caller can make before costly work."""
        if self.admission is not None:
            self.admission.admit(arrived, len(self._pending))

    def overload(self) -> str | None:
        """Why the batcher is shedding load now (None: it is not, or it never sheds)."""
        return None if self.admission is None else self.admission.overload(len(self._pending))

    async def submit(self, item: T, arrived: float | None = None) -> R:
        """Wait until ``item`` is flushed; return its result or raise its exception.
        ``arrived``: when its request came (the admission's clock; default now)."""
        if self._closed:
            raise RuntimeError("the batcher is closed")
        deadline = math.inf
        admission = self.admission
        if admission is not None:
            if arrived is None:
                arrived = admission.clock()
            admission.admit(arrived, len(self._pending))
            deadline = arrived + admission.bound_s
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future, deadline))
        self._schedule()
        if self._expiry is None and admission is not None:
            self._expire_at(deadline)
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
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

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
        now = self.admission.clock() if self.admission is not None else -math.inf
        while self._pending and len(batch) < self.max_batch:
            item, future, deadline = self._pending.popleft()
            if future.done():  # done before its flush: the caller was cancelled
                continue
            if deadline < now:  # waited past its bound: refused, and never flushed
                self._refuse(future)
                continue
            batch.append((item, future))
        return batch

    def _refuse(self, future: asyncio.Future[R]) -> None:
        assert self.admission is not None
        future.set_exception(self.admission.refuse(DEADLINE, len(self._pending)))

    def _expire_at(self, deadline: float) -> None:
        assert self.admission is not None
        delay = max(0.0, deadline - self.admission.clock())
        self._expiry = asyncio.get_running_loop().call_later(delay, self._expire)

    def _expire(self) -> None:
        """Refuse the items at the head of the queue whose bound has passed, then wait for
        the next head's (deadlines follow arrival, so the queue is nearly in their order;
        a straggler behind a later head is refused when that head is, or when taken)."""
        self._expiry = None
        if self.admission is None:
            return
        now = self.admission.clock()
        pending = self._pending
        while pending:
            _, future, deadline = pending[0]
            if future.done():
                pending.popleft()
            elif deadline < now:
                pending.popleft()
                self._refuse(future)
            else:
                self._expire_at(deadline)
                return

    def _start(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch = self._take()
        if not batch:
            return
        self._flushing += 1
        began = self.admission.started(len(batch)) if self.admission is not None else 0.0
        task = asyncio.get_running_loop().create_task(self._run(batch, began))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]], began: float) -> None:
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
            if self.admission is not None:
                self.admission.finished(began, len(batch))
            self._flushing -= 1
            if self._pending:
                self._start()  # these items waited for a slot already: no extra delay
                self._schedule()
