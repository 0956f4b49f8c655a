"""dedupe's queries: a batch's candidates in one statement, its identities in another."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.dedupe.domain.identity import Identity, Known
from leadflow_verify.dedupe.tables import people

_CANDIDATES = f"""
SELECT lead_id, first_lead_id, email, phone, name, company FROM {people.fullname}
WHERE email = ANY($1::text[]) OR phone = ANY($2::text[]) OR company = ANY($3::text[])
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
    },
    "ON CONFLICT (lead_id) DO NOTHING",
)


class PeopleRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def candidates(self, batch: Sequence[Identity]) -> list[Known]:
        """Every known identity that shares an email, a phone or a company with a lead of
        the batch, oldest first."""
        conn = await self.uow.driver()
        rows = await conn.fetch(
            _CANDIDATES,
            sorted({i.email for i in batch if i.email}),
            sorted({i.phone for i in batch if i.phone}),
            sorted({i.company for i in batch if i.company}),
        )
        return [
            Known(
                Identity(r["lead_id"], r["email"], r["phone"], r["name"], r["company"]),
                r["first_lead_id"],
            )
            for r in rows
        ]

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
        )
