"""The transactional outbox: events staged in the same transaction as the state they
follow from, published later by the relay (``relay.py``).

Handlers never call the Kafka producer: they ``publish`` on their unit of work, which
stages the messages here when it commits. If the broker is down the rows wait, so nothing
is lost. Every insert into the table notifies ``<schema>.outbox`` (a statement trigger,
see the migrations), which wakes the relay.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import sqlalchemy as sa

from leadflow_shared.events.envelope import Envelope
from leadflow_shared.sql import insert_unnest


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: an event on a topic, with extra Kafka headers if any."""

    topic: str
    event: Envelope
    extra_headers: tuple[tuple[str, bytes], ...] = field(default=())

    def headers_json(self) -> str:
        """The Kafka headers as the outbox's ``headers`` column holds them: [[name, value]]."""
        return _headers_json((*self.event.kafka_headers(), *self.extra_headers))


@functools.lru_cache(maxsize=1024)
def _headers_json(headers: tuple[tuple[str, bytes], ...]) -> str:
    return json.dumps([[k, v.decode()] for k, v in headers])


# How a message fills each column.
_VALUES: dict[str, Callable[[Outgoing], Any]] = {
    "event_id": lambda m: m.event.id,
    "topic": lambda m: m.topic,
    "key": lambda m: m.event.kafka_key(),
    "value": lambda m: m.event.kafka_value(),
    "headers": lambda m: m.headers_json(),
}


def channel(schema: str) -> str:
    """The notification channel an insert into ``<schema>.outbox`` signals."""
    return f"{schema}.outbox"


class Outbox:
    # What a staged message fills in, with Postgres types (the rest has defaults).
    COLUMNS = {
        "event_id": "uuid",
        "topic": "text",
        "key": "bytea",
        "value": "bytea",
        "headers": "json",
    }

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self.channel = channel(str(table.schema))
        name = table.fullname
        self.stage_sql = insert_unnest(table, self.COLUMNS)
        self.backlog_sql = f"SELECT count(*) FROM {name} WHERE published_at IS NULL"
        # The relay's statements (asyncpg, positional parameters).
        self.take_sql = (
            f"SELECT id, topic, key, value, headers FROM {name} WHERE published_at IS NULL "
            "ORDER BY id LIMIT $1"
        )
        self.delete_sql = f"DELETE FROM {name} WHERE id = ANY($1::bigint[])"
        self.mark_sql = f"UPDATE {name} SET published_at = now() WHERE id = ANY($1::bigint[])"
        # Published rows kept by a retention, sent again (a broker that lost its data):
        # waiting once more, oldest first, they go out before anything newer. Walked by id
        # range (the primary key), as published_at has no index.
        self.ids_sql = f"SELECT min(id), max(id), clock_timestamp() FROM {name}"
        self.redrive_sql = (
            f"WITH again AS (UPDATE {name} SET published_at = NULL "
            "WHERE id >= $1 AND id < $2 AND published_at >= $3 AND published_at < $4 "
            "RETURNING 1) SELECT count(*) FROM again"
        )
        self.oldest_kept_sql = f"SELECT min(published_at) FROM {name}"
        self.prune_sql = (
            f"DELETE FROM {name} WHERE id IN (SELECT id FROM {name} "
            "WHERE published_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2)"
        )

    @staticmethod
    def arrays(
        messages: Sequence[Outgoing], columns: Iterable[str] = COLUMNS
    ) -> dict[str, list[Any]]:
        """The messages as one list per column (by default every column of
        :attr:`COLUMNS`)."""
        return {column: [_VALUES[column](m) for m in messages] for column in columns}

    async def stage(self, conn: asyncpg.Connection, messages: Sequence[Outgoing]) -> None:
        """Add messages to the outbox inside the caller's transaction (one statement)."""
        if messages:
            await conn.execute(self.stage_sql, *self.arrays(messages).values())
