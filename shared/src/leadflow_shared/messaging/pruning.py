"""Pruning the messaging tables: inbox rows past the time a redelivery can come (their
retention), and outbox rows kept as published past theirs. Deleted in chunks, each its own
short transaction, so that pruning never holds locks for long."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow_shared.db import Database
from leadflow_shared.messaging.inbox import Inbox
from leadflow_shared.messaging.outbox import Outbox

CHUNK = 5000


@dataclass(frozen=True)
class Pruned:
    inbox: int
    outbox: int


async def prune(
    db: Database,
    inbox: Inbox,
    outbox: Outbox,
    *,
    inbox_retention_s: float,
    outbox_retention_s: float,
    chunk: int = CHUNK,
) -> Pruned:
    """Delete what is past its retention; returns how many rows went from each table.
    A retention of 0 keeps outbox rows not at all (the relay deletes them) and inbox rows
    for ever."""
    inbox_rows = await _in_chunks(db, inbox.prune_sql, inbox_retention_s, chunk)
    outbox_rows = await _in_chunks(db, outbox.prune_sql, outbox_retention_s, chunk)
    return Pruned(inbox_rows, outbox_rows)


async def _in_chunks(db: Database, sql: str, retention_s: float, chunk: int) -> int:
    if retention_s <= 0:
        return 0
    removed = 0
    while True:
        async with db.driver_connection() as conn:
            status = await conn.execute(sql, float(retention_s), chunk)
        n = int(status.rsplit(" ", 1)[-1])  # "DELETE <n>"
        removed += n
        if n < chunk:
            return removed
