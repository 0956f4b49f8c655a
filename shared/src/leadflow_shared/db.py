"""Postgres plumbing: schema-scoped metadata, the engine, and the unit of work.

Only the unit of work commits. Repositories take its session and never commit. The one
exception is a hot path's single statement on a driver connection, which is a transaction
by itself (see :meth:`Database.driver_connection`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self, TypeVar

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")
CONNECT_TIMEOUT_S = 5
COMMAND_TIMEOUT_S = 30


def schema_metadata(schema: str) -> sa.MetaData:
    """Metadata whose tables all live in the service's own schema."""
    return sa.MetaData(
        schema=schema,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        },
    )


def messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The outbox and inbox tables every service keeps in its schema."""
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.LargeBinary, nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
    )
    return outbox, inbox


def insert_arrays(table: sa.Table, columns: Mapping[str, str]) -> sa.TextClause:
    """An INSERT of many rows in one statement. Bind each column as one list, named after
    the column; Postgres unnests the arrays into rows.

    ``columns`` maps column names to their Postgres types. One statement costs about the
    same to send, plan and run for one row as for hundreds, where an executemany sends and
    executes every row on its own.
    """
    names = ", ".join(columns)
    arrays = ", ".join(f"CAST(:{name} AS {pg_type}[])" for name, pg_type in columns.items())
    return sa.text(f"INSERT INTO {table.fullname} ({names}) SELECT * FROM unnest({arrays})")


def create_engine(
    url: str, *, pool_size: int = 10, application_name: str = "leadflow"
) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # Errors and logs must not carry statement parameters: they hold leads' contact data.
        hide_parameters=True,
        pool_recycle=1800,
        connect_args={
            "server_settings": {"application_name": application_name},
            "timeout": CONNECT_TIMEOUT_S,
            "command_timeout": COMMAND_TIMEOUT_S,
        },
    )


class UnitOfWork:
    """One database transaction: commits only when told to, rolls back otherwise.

    ``async with uow: ...; await uow.commit()`` — leaving the block without committing
    (or by an exception) rolls everything back.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        await self.session.commit()


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """Single statements leave no session state behind: skip asyncpg's reset round trip
    (an open transaction is still rolled back on release)."""


class Database:
    """The service's engine and a factory of units of work."""

    def __init__(
        self, url: str, *, pool_size: int = 10, application_name: str = "leadflow"
    ) -> None:
        self.engine = create_engine(url, pool_size=pool_size, application_name=application_name)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._dsn = self.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._pool_size = pool_size
        self._application_name = application_name
        self._driver_pool: asyncpg.Pool | None = None
        self._driver_pool_lock = asyncio.Lock()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in one unit of work and commit it."""
        async with self.unit_of_work() as uow:
            result = await work(uow.session)
            await uow.commit()
            return result

    @asynccontextmanager
    async def driver_connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection of a small asyncpg pool of its own, for a hot path that sends
        single statements (each its own transaction) and keeps no session state.

        Checking a connection out of the engine's pool costs about a millisecond of CPU
        (SQLAlchemy's layers and a pre-ping of three round trips); this costs a few dozen
        microseconds. A connection that broke is replaced at the next checkout, and none is
        opened before the first one is needed.
        """
        async with (await self._driver_pool_ready()).acquire() as conn:
            yield conn

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

    async def scalar(self, statement: sa.Executable) -> Any:
        """One read-only statement outside any unit of work."""
        async with self.engine.connect() as conn:
            return (await conn.execute(statement)).scalar()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._driver_pool is not None:
            await self._driver_pool.close()
