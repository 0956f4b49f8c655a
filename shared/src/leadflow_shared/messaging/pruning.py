"""Pruning the messaging tables: inbox rows past the time a redelivery can come (their
retention), and outbox rows kept as published past theirs. Deleted in chunks, each its own
short transaction, so that pruning never holds locks for long.

Re-driving: the outbox rows kept as published since a time are made waiting again, so the
relay sends them once more (to a broker that lost its data); in chunks too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class Redriven:
    rows: int  # published rows made waiting again
    kept_since: datetime | None  # the oldest published row still kept before (None: none)


async def redrive(db: Database, outbox: Outbox, since: datetime, chunk: int = CHUNK) -> Redriven:
    """Make every outbox row published at or after ``since`` (and before this call) wait
    again for the relay, which sends them once more, oldest first. One transaction, walked
    by id range: a running relay sees all of them waiting at once, never a part, so it never
    sends a newer event of a lead before an older one. Consumers drop what they handled
    already (their inbox); readers of the topics see those events twice."""
    async with db.driver_connection() as conn:
        kept_since = await conn.fetchval(outbox.oldest_kept_sql)
        first, last, began = await conn.fetchrow(outbox.ids_sql)
        rows = 0
        if first is None:
            return Redriven(rows, kept_since)
        async with conn.transaction():
            for start in range(first, last + 1, chunk):
                rows += int(
                    await conn.fetchval(outbox.redrive_sql, start, start + chunk, since, began)
                )
            if rows:
                await conn.execute("SELECT pg_notify($1, '')", outbox.channel)
    return Redriven(rows, kept_since)
