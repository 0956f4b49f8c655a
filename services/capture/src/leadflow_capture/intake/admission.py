"""Load shedding for the group commit: whether a request may wait for a transaction.

A request may wait at most ``bound_s`` from its arrival for the transaction that stores it
to begin. :class:`Admission` keeps what it takes to tell, cheaply, whether it will:

- how long a flush of ``n`` items takes: a fixed part (a round trip, a commit) and a part
  per item, fitted to the recent flushes (exponentially weighted averages of their sizes
  and seconds; until flushes of different sizes have been seen, a flush takes as long as
  the recent ones: when they were small, whatever its size (their time is a round trip and
  a commit, and one slow commit must not make a burst look slow), and when they were big,
  longer in proportion when it is bigger);
- the flushes that have not ended: how many items each has and when it began.

A new request is refused at once (:class:`Shed`) when as many requests already wait as
``max_waiting`` allows (``queue_full``), or when its flush would begin past its bound
(``too_slow``). Its flush begins once the flushes ahead of it have ended: what is left of
the running ones, and one full flush (``max_batch`` items) for each ``max_batch`` requests
waiting before it, shared among the flush slots. A request with fewer than ``max_batch``
ahead goes in the next flush, however slow the last ones were. A flush that has run
longer than the bound means the database is stuck: nobody new can be stored in time. The
batcher refuses a request whose bound passed while it waited (``deadline``) and never
takes it into a flush, so a refused request is never stored; one taken into a flush is
answered with the flush's outcome, whenever that comes.
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
        max_batch: int = 100,
        slots: int = 1,
        smoothing: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if bound_s <= 0 or max_waiting < 1 or max_batch < 1 or slots < 1 or not 0 < smoothing <= 1:
            raise ValueError(
                "bound_s > 0, max_waiting ≥ 1, max_batch ≥ 1, slots ≥ 1, 0 < smoothing ≤ 1"
            )
        self.bound_s = bound_s
        self.max_waiting = max_waiting
        self.max_batch = max_batch
        self.slots = slots
        self.smoothing = smoothing
        self.clock = clock
        # weighted averages over the flushes: items, seconds, items squared, items times seconds
        self._n = self._t = self._nn = self._nt = 0.0
        self._flushes = 0
        self._running: list[tuple[float, int]] = []  # each unended flush: began, items
        self._last_shed = -math.inf
        self.shed_count = 0

    # --- what flushes report -------------------------------------------------------

    def started(self, items: int) -> float:
        """A flush of ``items`` begins; returns its start for :meth:`finished`."""
        began = self.clock()
        self._running.append((began, items))
        return began

    def finished(self, began: float, items: int) -> None:
        """A flush of ``items`` that began at ``began`` has ended (stored or failed)."""
        seconds = self.clock() - began
        self._running.remove((began, items))
        a = 1.0 if self._flushes == 0 else self.smoothing
        self._flushes += 1
        self._n += a * (items - self._n)
        self._t += a * (seconds - self._t)
        self._nn += a * (items * items - self._nn)
        self._nt += a * (items * seconds - self._nt)

    # --- deciding ------------------------------------------------------------------

    def flush_s(self, items: int) -> float:
        """How long a flush of ``items`` takes, as measured (0 before the first flush)."""
        if self._flushes == 0:
            return 0.0
        spread = self._nn - self._n * self._n  # the variance of the flushes' sizes
        if spread > 0.01 * self._n * self._n:
            per_item = max(0.0, (self._nt - self._n * self._t) / spread)
            fixed = max(0.0, self._t - per_item * self._n)
            return fixed + per_item * items
        if self._n < self.max_batch / 2:  # small flushes so far: their time is fixed cost
            return self._t
        return self._t * max(1.0, items / self._n)  # big ones: in proportion

    def expected_wait(self, waiting: int, now: float | None = None) -> float:
        """How long a request arriving now would wait for its flush to begin, with
        ``waiting`` requests ahead of it in the queue."""
        now = self.clock() if now is None else now
        left = [max(0.0, self.flush_s(items) - (now - began)) for began, items in self._running]
        full_ahead = waiting // self.max_batch
        wait = (sum(left) + full_ahead * self.flush_s(self.max_batch)) / self.slots
        if len(left) >= self.slots:  # no slot free: at least until the first one ends
            wait = max(wait, min(left))
        if self._running:
            stuck_for = now - self._running[0][0]
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
