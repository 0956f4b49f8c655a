"""contact's queries: verifications stored a batch at a time, read one at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic_core import to_json

from leadflow_shared.events.v1 import Check, ContactDetails, Reason
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.contact.domain.checks import Verdict
from leadflow_verify.contact.tables import verifications


@dataclass(frozen=True)
class Verification:
    """A lead's verdict as stored, with when it was reached."""

    lead_id: uuid.UUID
    verdict: Verdict
    verified_at: datetime


_ADD = insert_unnest(
    verifications,
    {
        "lead_id": "uuid",
        "accepted": "boolean",
        "contact": "json",
        "checks": "json",
        "reasons": "json",
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)


def _json_list(items: Sequence[Check] | Sequence[Reason]) -> str:
    return to_json(list(items)).decode()


class VerificationRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add_new(self, verdicts: Sequence[tuple[uuid.UUID, Verdict]]) -> set[uuid.UUID]:
        """Store each lead's verdict in one statement; returns the leads stored now (a lead
        verified before keeps its first verdict and is not among them)."""
        return await self.uow.returned(
            _ADD,
            [lead_id for lead_id, _ in verdicts],
            [v.accepted for _, v in verdicts],
            [v.contact.model_dump_json() for _, v in verdicts],
            [_json_list(v.checks) for _, v in verdicts],
            [_json_list(v.reasons) for _, v in verdicts],
        )

    async def get(self, lead_id: uuid.UUID) -> Verification | None:
        stmt = sa.select(verifications).where(verifications.c.lead_id == lead_id)
        row = (await self.uow.session.execute(stmt)).first()
        if row is None:
            return None
        verdict = Verdict(
            accepted=row.accepted,
            contact=ContactDetails.model_validate(row.contact),
            checks=tuple(Check.model_validate(c) for c in row.checks),
            reasons=tuple(Reason.model_validate(r) for r in row.reasons),
        )
        return Verification(row.lead_id, verdict, row.verified_at)
