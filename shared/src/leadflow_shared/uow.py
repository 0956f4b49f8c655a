"""The unit of work: one database transaction, and the events it publishes.

Every entry point gets one, whether an HTTP command, a consumer's batch or a chore::

    async with db.unit_of_work() as uow:
        await SomeRepository(uow.session).add(...)
        uow.publish(Topics.VERIFIED, event)
        await uow.commit()

``publish`` only stages the event; ``commit`` writes the staged events to the outbox in
the same transaction as everything else, then commits. Leaving the block without
committing (or by an exception) rolls everything back and drops the staged events. Only
the unit of work commits: repositories and handlers never do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Self

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from leadflow_shared.events.envelope import Envelope
from leadflow_shared.messaging.outbox import Outbox, Outgoing


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: Outbox | None) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._session: AsyncSession | None = None
        self._driver: asyncpg.Connection | None = None
        self._staged: list[Outgoing] = []
        self._before_commit: list[Callable[[UnitOfWork], Awaitable[None]]] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def driver(self) -> asyncpg.Connection:
        """The asyncpg connection under this unit of work's transaction, for set-based
        statements on a hot path: they skip SQLAlchemy's layers (about a quarter of a
        millisecond of CPU a statement) and still belong to the same transaction."""
        if self._driver is not None:
            return self._driver  # the same connection until the unit of work ends
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        if not driver.is_in_transaction():
            # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement it runs
            # itself; statements sent past it must not run outside the transaction.
            await _begin(raw.dbapi_connection, self.session)
        self._driver = driver
        return driver

    async def returned(self, sql: str, *columns: Sequence[Any]) -> set[Any]:
        """Run a set-based statement over ``columns`` (one list each) on the driver
        connection; returns the first column of the rows it returns (an ``INSERT … ON
        CONFLICT DO NOTHING RETURNING key``: the keys stored now)."""
        if not columns or not columns[0]:
            return set()
        return {row[0] for row in await (await self.driver()).fetch(sql, *columns)}

    @property
    def staged(self) -> tuple[Outgoing, ...]:
        """The messages published since the block began and not yet committed."""
        return tuple(self._staged)

    def publish(
        self, topic: str, event: Envelope, headers: Iterable[tuple[str, bytes]] = ()
    ) -> None:
        """Stage ``event`` for ``topic``; it is written to the outbox when this unit of
        work commits, and dropped if it does not."""
        if self._outbox is None:
            raise RuntimeError("this unit of work has no outbox to publish to")
        if self._session is None:
            raise RuntimeError("publish inside the unit of work's block")
        self._staged.append(Outgoing(topic, event, tuple(headers)))

    def before_commit(self, step: Callable[[UnitOfWork], Awaitable[None]]) -> None:
        """Have ``step(uow)`` run when this unit of work commits, inside its transaction and
        before the staged events go to the outbox; once, however often it is asked for. For
        rows that follow from the staged events (router's webhook deliveries of its offers),
        written by one statement whatever path staged them."""
        if self._session is None:
            raise RuntimeError("ask for a step before commit inside the unit of work's block")
        if step not in self._before_commit:
            self._before_commit.append(step)

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self._staged = []
        self._before_commit = []
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        self._driver = None
        self._staged = []
        self._before_commit = []
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        steps, self._before_commit = self._before_commit, []
        for step in steps:
            await step(self)
        if self._staged:
            assert self._outbox is not None
            await self._outbox.stage(await self.driver(), self._staged)
        self._driver = None  # the session gives its connection back when it commits
        await self.session.commit()
        self._staged = []


async def _begin(adapted: Any, session: AsyncSession) -> None:
    """Make SQLAlchemy's asyncpg adapter begin its transaction now."""
    start = getattr(adapted, "_start_transaction", None)
    if start is not None:
        await start()
    else:  # an adapter without the hook: any statement through SQLAlchemy begins it
        await session.execute(sa.text("SELECT 1"))
