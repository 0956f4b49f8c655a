"""contact's queries: verifications stored a batch at a time, read one at a time."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.events.v1 import Check, ContactDetails, Reason
from leadflow_shared.sql import insert_arrays
from leadflow_verify.contact.domain.checks import Verdict
from leadflow_verify.contact.tables import verifications


@dataclass(frozen=True)
class Verification:
    """A lead's verdict as stored, with when it was reached."""

    lead_id: uuid.UUID
    verdict: Verdict
    verified_at: datetime


_ADD = insert_arrays(
    verifications,
    {
        "lead_id": "uuid",
        "accepted": "boolean",
        "contact": "jsonb",
        "checks": "jsonb",
        "reasons": "jsonb",
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)


def _json_list(items: Sequence[Check] | Sequence[Reason]) -> str:
    return json.dumps([item.model_dump(mode="json") for item in items])


class VerificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_new(self, verdicts: Sequence[tuple[uuid.UUID, Verdict]]) -> set[uuid.UUID]:
        """Store each lead's verdict in one statement; returns the leads stored now (a lead
        verified before keeps its first verdict and is not among them)."""
        if not verdicts:
            return set()
        result = await self.session.execute(
            _ADD,
            {
                "lead_id": [lead_id for lead_id, _ in verdicts],
                "accepted": [v.accepted for _, v in verdicts],
                "contact": [v.contact.model_dump_json() for _, v in verdicts],
                "checks": [_json_list(v.checks) for _, v in verdicts],
                "reasons": [_json_list(v.reasons) for _, v in verdicts],
            },
        )
        return set(result.scalars().all())

    async def get(self, lead_id: uuid.UUID) -> Verification | None:
        stmt = sa.select(verifications).where(verifications.c.lead_id == lead_id)
        row = (await self.session.execute(stmt)).first()
        if row is None:
            return None
        verdict = Verdict(
            accepted=row.accepted,
            contact=ContactDetails.model_validate(row.contact),
            checks=tuple(Check.model_validate(c) for c in row.checks),
            reasons=tuple(Reason.model_validate(r) for r in row.reasons),
        )
        return Verification(row.lead_id, verdict, row.verified_at)
