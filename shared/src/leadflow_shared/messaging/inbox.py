"""The inbox: the events a service has handled, by event id, so that a redelivered event
is recognised and dropped. Claimed in the same transaction as the handler's work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa

from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork


class Inbox:
    def __init__(self, table: sa.Table) -> None:
        self.table = table
        name = table.fullname
        self.claim_sql = insert_unnest(
            table,
            {"event_id": "uuid", "topic": "text"},
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        )
        self.prune_sql = (
            f"DELETE FROM {name} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {name} "
            "WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))"
        )

    async def claim(
        self, uow: UnitOfWork, entries: Sequence[tuple[uuid.UUID, str]]
    ) -> set[uuid.UUID]:
        """Record (event id, topic) pairs in ``uow``'s transaction; returns the ids that were
        not there before. One statement for the whole batch; an id twice in ``entries`` is
        claimed once."""
        return await uow.returned(self.claim_sql, [e[0] for e in entries], [e[1] for e in entries])
