"""Which failures are worth retrying, and how long to wait between tries."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys

import sqlalchemy.exc

# SQLSTATE classes and codes that mean "try again": connection exceptions (08), insufficient
# resources (53), operator intervention such as a shutdown or a server starting up (57P),
# and serialization failures and deadlocks (40001, 40P01).
_TRANSIENT_SQLSTATE_PREFIXES = ("08", "53", "57P")
_TRANSIENT_SQLSTATES = {"40001", "40P01"}
# OS errors about files are a program's or an operator's mistake, not an outage: waiting
# does not mend a missing file or a permission. (The same errors without a file name come
# from connecting to a Unix socket: a server's socket missing while it restarts.)
_NOT_AN_OUTAGE = (
    FileNotFoundError,
    FileExistsError,
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
)


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(exc: BaseException) -> bool:
    """True for failures of the infrastructure (database or broker unreachable, restarting,
    overloaded; deadlocks; timeouts): worth retrying, never a reason to drop a message."""
    sqlstate = _sqlstate(exc)
    if sqlstate is not None and (
        sqlstate.startswith(_TRANSIENT_SQLSTATE_PREFIXES) or sqlstate in _TRANSIENT_SQLSTATES
    ):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        return isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError)
    kafka = _kafka_transient(exc)
    if kafka is not None:
        return kafka
    if _driver_connection_lost(exc):
        return True
    if isinstance(exc, _NOT_AN_OUTAGE) and not _socket_error(exc):
        return False
    return isinstance(exc, OSError | TimeoutError | sqlalchemy.exc.TimeoutError)


def _socket_error(exc: OSError) -> bool:
    """A Unix socket missing at connect: FileNotFoundError with an error number and no file
    name (opening a file names it)."""
    return isinstance(exc, FileNotFoundError) and exc.errno is not None and exc.filename is None


def _kafka_transient(exc: BaseException) -> bool | None:
    """Whether a broker client's error is worth retrying; None when it is not one. An
    aiokafka error means aiokafka is loaded: a process that never uses it (an API) is spared
    importing it."""
    errors = sys.modules.get("aiokafka.errors")
    if errors is None or not isinstance(exc, errors.KafkaError):
        return None
    if isinstance(exc, errors.KafkaConnectionError | errors.KafkaTimeoutError):
        return True
    return bool(getattr(exc, "retriable", False))


def _driver_connection_lost(exc: BaseException) -> bool:
    """asyncpg's errors of a connection itself (lost, or its protocol state upset by a
    server going away mid-statement): another connection will do."""
    errors = sys.modules.get("asyncpg.exceptions")
    if errors is None:
        return False
    # InternalClientError itself (not its subclasses, such as a protocol error): "cannot
    # switch to state …; another operation is in progress", a connection left mid-statement
    return isinstance(exc, errors.ConnectionDoesNotExistError) or (
        type(exc) is errors.InternalClientError
    )


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
