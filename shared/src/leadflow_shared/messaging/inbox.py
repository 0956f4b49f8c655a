"""The inbox: the events a service has handled, by event id, so that a redelivered event
is recognised and dropped. Claimed in the same transaction as the handler's work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.sql import insert_arrays


class Inbox:
    COLUMNS = {"event_id": "uuid", "topic": "text"}

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self._claim = insert_arrays(
            table, self.COLUMNS, "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
        )
        name = table.fullname
        self.prune_sql = (
            f"DELETE FROM {name} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {name} "
            "WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))"
        )

    async def claim(
        self, session: AsyncSession, entries: Sequence[tuple[uuid.UUID, str]]
    ) -> set[uuid.UUID]:
        """Record (event id, topic) pairs; returns the ids that were not there before.
        One statement for the whole batch; an id twice in ``entries`` is claimed once."""
        if not entries:
            return set()
        result = await session.execute(
            self._claim,
            {"event_id": [e[0] for e in entries], "topic": [e[1] for e in entries]},
        )
        return set(result.scalars().all())
