"""Load shedding for the group commit: whether a request may wait for a transaction.

A request may wait at most ``bound_s`` from its arrival for the transaction that stores it
to begin. :class:`Admission` keeps what it takes to tell, cheaply, whether it will:

- how long a flush takes per item, from the flushes so far (the seconds and the items of
  recent flushes, each an exponentially weighted average: big batches weigh by their
  items, so the estimate follows the batch sizes that load brings);
- how many items are in flushes that have not ended, and since when the oldest runs.

A new request is refused at once (:class:`Shed`) when as many requests already wait as
``max_waiting`` allows (``queue_full``), or when the items ahead of it would, at the
measured pace, take it past its bound (``too_slow``): the waiting ones and those in
flushes that have not ended, shared among the flush slots. A flush that has run longer
than the bound means the database is stuck: nobody new can be stored in time. The batcher
refuses a request whose bound passed while it waited (``deadline``) and never takes it
into a flush, so a refused request is never stored; one taken into a flush is answered
with the flush's outcome, whenever that comes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

QUEUE_FULL = "queue_full"
TOO_SLOW = "too_slow"
DEADLINE = "deadline"
REASONS = (QUEUE_FULL, TOO_SLOW, DEADLINE)

# How long after the last refusal capture still reports itself overloaded (/readyz).
RECENT_S = 5.0
MAX_RETRY_AFTER_S = 60


class Shed(Exception):
    """A request refused before any transaction took it: nothing of it is stored."""

    def __init__(self, reason: str, retry_after_s: int) -> None:
        super().__init__(f"shed ({reason}); retry after {retry_after_s} s")
        self.reason = reason
        self.retry_after_s = retry_after_s


class Admission:
    def __init__(
        self,
        *,
        bound_s: float,
        max_waiting: int,
        slots: int = 1,
        smoothing: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if bound_s <= 0 or max_waiting < 1 or slots < 1 or not 0 < smoothing <= 1:
            raise ValueError("bound_s > 0, max_waiting ≥ 1, slots ≥ 1, 0 < smoothing ≤ 1")
        self.bound_s = bound_s
        self.max_waiting = max_waiting
        self.slots = slots
        self.smoothing = smoothing
        self.clock = clock
        self._seconds = 0.0  # weighted averages of a flush's seconds and items
        self._items = 0.0
        self._in_flight = 0  # items in flushes that have not ended
        self._running: list[float] = []  # when each such flush began
        self._last_shed = -math.inf
        self.shed_count = 0

    # --- what flushes report -------------------------------------------------------

    def started(self, items: int) -> float:
        """A flush of ``items`` begins; returns its start for :meth:`finished`."""
        began = self.clock()
        self._in_flight += items
        self._running.append(began)
        return began

    def finished(self, began: float, items: int) -> None:
        """A flush of ``items`` that began at ``began`` has ended (stored or failed)."""
        seconds = self.clock() - began
        self._in_flight -= items
        self._running.remove(began)
        if self._items == 0.0:
            self._seconds, self._items = seconds, float(items)
        else:
            a = self.smoothing
            self._seconds += a * (seconds - self._seconds)
            self._items += a * (items - self._items)

    # --- deciding ------------------------------------------------------------------

    @property
    def item_s(self) -> float:
        """Seconds a flush takes per item, as measured (0 before the first flush)."""
        return self._seconds / self._items if self._items else 0.0

    def expected_wait(self, waiting: int, now: float | None = None) -> float:
        """How long a request arriving now would wait for its flush to begin, with
        ``waiting`` requests ahead of it in the queue."""
        now = self.clock() if now is None else now
        wait = (waiting + self._in_flight) * self.item_s / self.slots
        if self._running:
            stuck_for = now - self._running[0]
            if stuck_for >= self.bound_s:
                wait = max(wait, stuck_for)
        return wait

    def admit(self, arrived: float, waiting: int) -> None:
        """Refuse (raise :class:`Shed`) a request that arrived at ``arrived`` and would
        queue behind ``waiting`` others, when it could not be taken in time."""
        if waiting >= self.max_waiting:
            raise self.refuse(QUEUE_FULL, waiting)
        now = self.clock()
        if now - arrived + self.expected_wait(waiting, now) > self.bound_s:
            raise self.refuse(TOO_SLOW, waiting, now)

    def refuse(self, reason: str, waiting: int, now: float | None = None) -> Shed:
        """Count a refusal; the :class:`Shed` that tells its caller when to come back."""
        now = self.clock() if now is None else now
        self._last_shed = now
        self.shed_count += 1
        wait = self.expected_wait(waiting, now)
        return Shed(reason, min(MAX_RETRY_AFTER_S, max(1, math.ceil(wait))))

    def overload(self, waiting: int) -> str | None:
        """Why capture is overloaded now (None: it is not): it refused a request within
        the last :data:`RECENT_S` seconds, or a new one would wait past the bound."""
        now = self.clock()
        wait = self.expected_wait(waiting, now)
        if wait > self.bound_s:
            return f"overloaded: a new lead would wait {wait:.1f} s for its transaction"
        if now - self._last_shed < RECENT_S:
            return f"overloaded: leads were refused in the last {RECENT_S:g} s"
        return None
