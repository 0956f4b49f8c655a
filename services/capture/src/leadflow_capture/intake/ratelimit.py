"""Token-bucket rate limits, kept in the process (each API worker counts on its own)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict


class RateLimiter:
    """Per-key token buckets: ``rate`` tokens a second, at most ``burst`` saved up.

    ``take`` returns 0 when allowed, else the whole seconds to wait (for Retry-After).
    Idle keys are forgotten beyond ``max_keys``, oldest first.
    """

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, *, rate: float, burst: float, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        tokens, stamp = self._buckets.pop(key, (burst, now))
        tokens = min(burst, tokens + (now - stamp) * rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return 0 if allowed else max(1, math.ceil((1.0 - tokens) / rate))
