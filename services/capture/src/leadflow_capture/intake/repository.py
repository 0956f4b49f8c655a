"""intake's queries. New leads are stored a batch at a time (group commit), with
rows sorted so that concurrent transactions lock in one order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadflow_capture.intake.tables import dedupe_keys, leads, seen_signatures, spam_counts
from leadflow_capture.schema import outbox
from leadflow_shared.messaging.outbox import Outbox, Outgoing
from leadflow_shared.uow import UnitOfWork

# The whole batch of a group commit in one statement: one round trip, and its own
# transaction. In submission order (n), each request
#   - claims its webhook signature, if any: a signature seen before (and not yet expired)
#     refuses the request;
#   - claims its dedupe key, if any: the first request of the batch with a key claims it,
#     and a key still live from before keeps its first lead;
#   - becomes a new lead when it claimed its key or has none: its row is stored and its
#     lead.captured event goes into the outbox, in submission order.
# It answers only for the requests that stored nothing: a replayed signature, or a key that
# an earlier lead owns (with that lead's id, and whether it came with another submission:
# an Idempotency-Key reused for a different lead; a key stored without its submission's
# digest, before capture kept one, is taken to match). A live key is "updated" to itself so that
# RETURNING names its owner even when another transaction committed it after this
# statement began. A batch with no signed request takes a variant without the signature
# steps (most batches: Postgres then sets up a smaller plan).
_INPUT = """
WITH input AS (
    SELECT * FROM unnest(
        $1::bytea[], $2::int[], $3::text[], $4::timestamptz[],
        $5::uuid[], $6::text[], $7::text[], $8::timestamptz[], $9::json[], $10::json[],
        $11::uuid[], $12::bytea[], $13::bytea[], $16::bytea[]
    ) WITH ORDINALITY AS i(key, key_ttl_s, digest, digest_expires_at,
           id, source_id, idempotency_key, received_at, submission, context,
           event_id, event_key, value, body, n)
),"""
_SIGNED = f"""
signatures AS (
    INSERT INTO {seen_signatures.fullname} AS s (digest, expires_at)
    SELECT digest, digest_expires_at FROM input WHERE digest IS NOT NULL ORDER BY digest
    ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at
    WHERE s.expires_at < now()
    RETURNING digest
),
signed AS (
    SELECT * FROM input WHERE digest IS NULL OR digest IN (SELECT digest FROM signatures)
),"""
_SIGNED_ANSWER = """
SELECT input.n, signed.n IS NOT NULL AS signed, keys.lead_id,
       coalesce(keys.body <> input.body, false) AS reused
FROM input
LEFT JOIN signed USING (n)
LEFT JOIN keys ON keys.key = input.key
WHERE signed.n IS NULL OR keys.lead_id <> input.id
"""
_UNSIGNED = """
signed AS (SELECT * FROM input),"""
_UNSIGNED_ANSWER = """
SELECT input.n, true AS signed, keys.lead_id, coalesce(keys.body <> input.body, false) AS reused
FROM input JOIN keys ON keys.key = input.key
WHERE keys.lead_id <> input.id
"""
_STORE = f"""
keys AS (
    INSERT INTO {dedupe_keys.fullname} AS d (key, lead_id, expires_at, body)
    SELECT DISTINCT ON (key) key, id, now() + make_interval(secs => key_ttl_s), body
    FROM signed WHERE key IS NOT NULL ORDER BY key, n
    ON CONFLICT (key) DO UPDATE SET
        lead_id = CASE WHEN d.expires_at < now() THEN excluded.lead_id ELSE d.lead_id END,
        expires_at = CASE WHEN d.expires_at < now() THEN excluded.expires_at
                          ELSE d.expires_at END,
        body = CASE WHEN d.expires_at < now() THEN excluded.body ELSE d.body END
    RETURNING key, lead_id, body
),
fresh AS (
    SELECT signed.* FROM signed LEFT JOIN keys USING (key)
    WHERE signed.key IS NULL OR keys.lead_id = signed.id
),
new_leads AS (
    INSERT INTO {leads.fullname}
        (id, source_id, idempotency_key, received_at, submission, context)
    SELECT id, source_id, idempotency_key, received_at, submission, context FROM fresh
),
new_events AS (
    INSERT INTO {outbox.fullname} (event_id, topic, key, value, headers)
    SELECT event_id, $14, event_key, value, $15 FROM fresh ORDER BY n
)"""
STORE_LEADS = _INPUT + _SIGNED + _STORE + _SIGNED_ANSWER
STORE_UNSIGNED_LEADS = _INPUT + _UNSIGNED + _STORE + _UNSIGNED_ANSWER


@dataclass(frozen=True)
class NewLead:
    """One request of a batch, as :data:`STORE_LEADS` takes it."""

    id: uuid.UUID
    source_id: str
    idempotency_key: str | None
    received_at: datetime
    submission_json: str
    context_json: str
    event: Outgoing  # its lead.captured event; every event of a batch has the same topic
    key: bytes | None  # dedupe key, and for how many seconds it holds
    key_ttl_s: int | None
    body: bytes | None  # what an Idempotency-Key came with (see domain/dedupe.py)
    digest: str | None  # webhook signature, and until when it is remembered
    digest_expires_at: datetime | None


@dataclass(frozen=True)
class NotStored:
    """A request of the batch that stored nothing; every other one is a new lead."""

    n: int  # its place in the batch, from 1
    signed: bool  # False: a signature seen before
    lead_id: uuid.UUID | None  # when signed: the earlier lead that owns its dedupe key
    reused: bool = False  # its Idempotency-Key came first with another submission


class IntakeRepository:
    """Storing new leads, on a connection of capture's hot path (no session)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def store(self, batch: Sequence[NewLead]) -> list[NotStored]:
        # One topic and one set of headers for the whole batch: sent once, not per row.
        events = Outbox.arrays([b.event for b in batch], ("event_id", "key", "value"))
        signed = any(b.digest is not None for b in batch)
        rows = await self.conn.fetch(
            STORE_LEADS if signed else STORE_UNSIGNED_LEADS,
            [b.key for b in batch],
            [b.key_ttl_s for b in batch],
            [b.digest for b in batch],
            [b.digest_expires_at for b in batch],
            [b.id for b in batch],
            [b.source_id for b in batch],
            [b.idempotency_key for b in batch],
            [b.received_at for b in batch],
            [b.submission_json for b in batch],
            [b.context_json for b in batch],
            events["event_id"],
            events["key"],
            events["value"],
            batch[0].event.topic,
            batch[0].event.headers_json(),
            [b.body for b in batch],
        )
        return [NotStored(r["n"], r["signed"], r["lead_id"], bool(r["reused"])) for r in rows]


class LeadRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.session = uow.session

    async def count_spam(self, source_id: str, day: date, reason: str) -> None:
        stmt = pg_insert(spam_counts).values(source_id=source_id, day=day, reason=reason, count=1)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["source_id", "day", "reason"],
                set_={"count": spam_counts.c.count + 1},
            )
        )

    async def forget_expired(self) -> int:
        """Drop dedupe keys and signatures past their time; returns how many rows went."""
        removed = 0
        for table in (dedupe_keys, seen_signatures):
            result = await self.session.execute(
                sa.delete(table).where(table.c.expires_at < sa.func.now())
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed
