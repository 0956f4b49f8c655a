"""Postgres plumbing: the engine, units of work, and plain driver connections.

Only the unit of work commits (``uow.py``). Repositories take its session and never
commit. The exceptions are single statements on a driver connection, each a transaction
by itself (a hot path's batch statement; the outbox relay), see
:meth:`Database.driver_connection`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from leadflow_shared.messaging.outbox import Outbox
from leadflow_shared.uow import UnitOfWork

T = TypeVar("T")
CONNECT_TIMEOUT_S = 5
COMMAND_TIMEOUT_S = 30


# Session settings of the engine's connections (units of work) and of connections of their
# own (the relay's).
#
# ``plan_cache_mode``: a prepared statement is planned for its actual parameters each time it
# runs, never with a generic plan. Units of work run their statements once per batch, on whole
# arrays (``= ANY($1)``, ``unnest``), against tables that may be young: a generic plan is made
# from the statistics of the moment, and a table that was small then (a new install, a
# service's first minutes) stays "small" to it. Seen: the relay's delete of published rows and
# score's and router's reads by lead id as sequential scans, 9 to 27 ms a batch where the index
# answers in about one. Planning costs a fraction of a millisecond a statement. The driver pool
# (capture's intake statement, many a second, on tables keyed by unique indexes) keeps
# Postgres's default.
PLANNED_EACH_TIME = {"plan_cache_mode": "force_custom_plan"}


def create_engine(
    url: str, *, pool_size: int = 10, application_name: str = "leadflow", pre_ping: bool = True
) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        # Errors and logs must not carry statement parameters: they hold leads' contact data.
        hide_parameters=True,
        pool_recycle=1800,
        connect_args={
            "server_settings": {"application_name": application_name, **PLANNED_EACH_TIME},
            "timeout": CONNECT_TIMEOUT_S,
            "command_timeout": COMMAND_TIMEOUT_S,
        },
    )


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """Single statements leave no session state behind: skip asyncpg's reset round trip
    (an open transaction is still rolled back on release)."""


class Database:
    """The service's engine, a factory of units of work, and a small driver pool."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        application_name: str = "leadflow",
        outbox: Outbox | None = None,
        pre_ping: bool = True,
    ) -> None:
        """``pre_ping``: test each pooled connection before use (a round trip), so that one
        broken by a database restart is replaced unseen; off where the caller retries
        anyway (a consumer's batch)."""
        self.engine = create_engine(
            url, pool_size=pool_size, application_name=application_name, pre_ping=pre_ping
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.outbox = outbox
        self._dsn = self.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._pool_size = pool_size
        self._application_name = application_name
        self._driver_pool: asyncpg.Pool | None = None
        self._driver_pool_lock = asyncio.Lock()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.outbox)

    async def transaction(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run ``work`` in one unit of work and commit it."""
        async with self.unit_of_work() as uow:
            result = await work(uow)
            await uow.commit()
            return result

    @asynccontextmanager
    async def driver_connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection of a small asyncpg pool of its own, for a hot path that sends
        single statements (each its own transaction, or one explicit transaction) and
        keeps no session state.

        Checking a connection out of the engine's pool costs about a millisecond of CPU
        (SQLAlchemy's layers and a pre-ping of three round trips); this costs a few dozen
        microseconds. A connection that broke is replaced at the next checkout, and none is
        opened before the first one is needed.
        """
        async with (await self._driver_pool_ready()).acquire() as conn:
            try:
                yield conn
            except BaseException as exc:
                if _maybe_broken(exc):
                    # it may be mid-statement or gone (a cancelled call, a server restart):
                    # never hand it out again, the pool opens a new one
                    conn.terminate()
                raise

    async def _driver_pool_ready(self) -> asyncpg.Pool:
        if self._driver_pool is not None:
            return self._driver_pool
        async with self._driver_pool_lock:  # the first callers: one pool for them all
            if self._driver_pool is None:
                self._driver_pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=0,
                    max_size=self._pool_size,
                    reset=_nothing_to_reset,
                    timeout=CONNECT_TIMEOUT_S,
                    command_timeout=COMMAND_TIMEOUT_S,
                    server_settings={"application_name": self._application_name},
                )
            return self._driver_pool

    async def connect(
        self, purpose: str, settings: Mapping[str, str] | None = None
    ) -> asyncpg.Connection:
        """A connection of its own, outside every pool (a LISTEN, say), with extra session
        ``settings`` if any: the caller closes it."""
        return await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT_S,
            command_timeout=COMMAND_TIMEOUT_S,
            server_settings={
                "application_name": f"{self._application_name}-{purpose}",
                **PLANNED_EACH_TIME,
                **(settings or {}),
            },
        )

    async def scalar(self, statement: sa.Executable | str) -> Any:
        """One read-only statement outside any unit of work."""
        if isinstance(statement, str):
            statement = sa.text(statement)
        async with self.engine.connect() as conn:
            return (await conn.execute(statement)).scalar()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._driver_pool is not None:
            await self._driver_pool.close()


def _maybe_broken(exc: BaseException) -> bool:
    """Whether a failure may have left a driver connection unusable: a call cancelled or
    timed out mid-statement, the connection lost, or the driver's own protocol state upset
    (``InternalClientError``: another operation in progress). An error the server answered
    with (a constraint, a syntax error) leaves it usable."""
    if isinstance(exc, asyncpg.PostgresError):
        return False
    return isinstance(
        exc,
        asyncio.CancelledError
        | TimeoutError
        | OSError
        | asyncpg.InterfaceError
        | asyncpg.exceptions.InternalClientError,
    )
