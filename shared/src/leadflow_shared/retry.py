"""Which failures are worth retrying, and how long to wait between tries."""

from __future__ import annotations

import asyncio
import contextlib
import random

import sqlalchemy.exc
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError


def is_transient(exc: BaseException) -> bool:
    """True for failures of the infrastructure (database or broker unreachable, timeouts)."""
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        return isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError)
    if isinstance(exc, KafkaConnectionError | KafkaTimeoutError):
        return True
    if isinstance(exc, KafkaError):
        return bool(getattr(exc, "retriable", False))
    return isinstance(exc, OSError | TimeoutError | sqlalchemy.exc.TimeoutError)


class Backoff:
    """Exponential backoff with full jitter, capped."""

    def __init__(self, initial_s: float = 0.1, maximum_s: float = 5.0) -> None:
        self.initial_s = initial_s
        self.maximum_s = maximum_s
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum_s, self.initial_s * 2**self.attempt)
        self.attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    """Sleep for ``seconds``, waking early when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
