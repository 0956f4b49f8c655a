"""dedupe's queries: a batch's candidates in one statement (after one that locks their keys),
its identities in another."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.dedupe.domain.identity import Identity, Known
from leadflow_verify.dedupe.tables import people

# The earliest lead of each email, phone and (block, name) the batch asks about: one row per
# key however often a person came back. first_lead_id is the same on every row of a person.
# Each key is looked up on its own through its index (a lateral subquery with a limit or a
# DISTINCT ON, which the planner cannot turn into a scan of the whole table): planned from
# the statistics of a young table (none yet, while it grows from empty), "email = ANY(…)"
# was estimated at most of the table and read it whole, 10 to 120 ms a batch.
_COLUMNS = "lead_id, first_lead_id, email, phone, name, company, seen_at"
CANDIDATES = f"""
SELECT p.* FROM unnest($1::text[]) AS k(email), LATERAL (
    SELECT {_COLUMNS} FROM {people.fullname}
    WHERE email = k.email ORDER BY seen_at, lead_id LIMIT 1) p
UNION ALL
SELECT p.* FROM unnest($2::text[]) AS k(phone), LATERAL (
    SELECT {_COLUMNS} FROM {people.fullname}
    WHERE phone = k.phone ORDER BY seen_at, lead_id LIMIT 1) p
UNION ALL
SELECT p.* FROM unnest($3::text[]) AS k(block), LATERAL (
    SELECT DISTINCT ON (name) {_COLUMNS} FROM {people.fullname}
    WHERE block = k.block ORDER BY name, seen_at, lead_id) p
ORDER BY seen_at, lead_id
"""

_ADD = insert_unnest(
    people,
    {
        "lead_id": "uuid",
        "first_lead_id": "uuid",
        "email": "text",
        "phone": "text",
        "name": "text",
        "company": "text",
        "block": "text",
    },
    "ON CONFLICT (lead_id) DO NOTHING",
)
# A lead that will not be routed after all is nobody's first lead: its repeats get the
# earliest of themselves as their person's first lead.
_FORGET = f"""
WITH gone AS (
    DELETE FROM {people.fullname} WHERE lead_id = ANY($1::uuid[]) RETURNING lead_id
), heirs AS (
    SELECT DISTINCT ON (first_lead_id) first_lead_id AS old, lead_id AS heir
    FROM {people.fullname}
    WHERE first_lead_id = ANY($1::uuid[]) AND lead_id <> ALL($1::uuid[])
    ORDER BY first_lead_id, seen_at, lead_id
)
UPDATE {people.fullname} AS p SET first_lead_id = heirs.heir
FROM heirs WHERE p.first_lead_id = heirs.old AND p.lead_id <> ALL($1::uuid[])
"""


# One lock per key a person can be found by (an email, a phone, a name's block), taken in
# a fixed order before the candidates are read, in a statement of its own (a statement
# reads what was committed when it began): two batches with the same person wait for each
# other, and the second finds the first's lead, instead of both making a "first lead".
PEOPLE_LOCKS = 0x5E0A  # the advisory lock class of verify's people keys
_LOCK_KEYS = f"""
    SELECT pg_advisory_xact_lock({PEOPLE_LOCKS}, k)
    FROM (SELECT DISTINCT hashtext(key) AS k FROM unnest($1::text[]) key ORDER BY k) s
"""


class PeopleRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def candidates(self, batch: Sequence[Identity]) -> list[Known]:
        """The earliest known identity of each email, phone and name (within its block:
        company and initials) of the batch, oldest first; each key locked first, until the
        transaction ends."""
        await self.lock(batch)
        conn = await self.uow.driver()
        rows = await conn.fetch(
            CANDIDATES,
            sorted({i.email for i in batch if i.email}),
            sorted({i.phone for i in batch if i.phone}),
            sorted({i.block for i in batch if i.block}),
        )
        return [
            Known(
                Identity(r["lead_id"], r["email"], r["phone"], r["name"], r["company"]),
                r["first_lead_id"],
            )
            for r in rows
        ]

    async def lock(self, batch: Sequence[Identity]) -> None:
        """Take the locks of every key the batch's people can be found by (held until the
        transaction ends; see ``_LOCK_KEYS``)."""
        keys = [
            *(f"email:{i.email}" for i in batch if i.email),
            *(f"phone:{i.phone}" for i in batch if i.phone),
            *(f"block:{i.block}" for i in batch if i.block),
        ]
        if keys:
            await (await self.uow.driver()).execute(_LOCK_KEYS, keys)

    async def add(self, identities: Sequence[tuple[Identity, uuid.UUID]]) -> None:
        """Remember identities with their person's first lead (one statement)."""
        if not identities:
            return
        conn = await self.uow.driver()
        await conn.execute(
            _ADD,
            [i.lead_id for i, _ in identities],
            [first for _, first in identities],
            [i.email for i, _ in identities],
            [i.phone for i, _ in identities],
            [i.name for i, _ in identities],
            [i.company for i, _ in identities],
            [i.block for i, _ in identities],
        )

    async def forget(self, lead_ids: Sequence[uuid.UUID]) -> None:
        """Forget these leads' identities (one statement): no later lead repeats them."""
        if lead_ids:
            await (await self.uow.driver()).execute(_FORGET, list(lead_ids))
