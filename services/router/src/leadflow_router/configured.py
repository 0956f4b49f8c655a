"""Keeping a table of configured items (reps, partners) in step with the configuration file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession


class Configured(Protocol):
    """A rep or partner as the configuration file gives it."""

    @property
    def id(self) -> str: ...

    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


async def sync_configured(
    session: AsyncSession, table: sa.Table, items: Sequence[Configured]
) -> None:
    """Upsert every item (by id); items no longer configured are deactivated, and the
    state routing keeps beside the configured columns survives (and what the admin API
    set beside them)."""
    rows = [
        {k: v for k, v in item.model_dump(mode="json").items() if k in table.c}  # its columns
        for item in items
    ]
    if rows:
        stmt = pg_insert(table).values(rows)
        updates = {k: stmt.excluded[k] for k in rows[0] if k != "id"}
        await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updates))
    keep = [item.id for item in items]
    await session.execute(sa.update(table).where(table.c.id.not_in(keep)).values(active=False))
