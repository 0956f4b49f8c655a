"""How contact's read API shows a verification."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from leadflow_shared.events.v1 import Check, ContactDetails, Reason
from leadflow_verify.contact.repository import Verification


class VerificationOut(BaseModel):
    lead_id: uuid.UUID
    accepted: bool
    contact: ContactDetails
    checks: list[Check]
    reasons: list[Reason]
    verified_at: datetime

    @classmethod
    def of(cls, verification: Verification) -> VerificationOut:
        verdict = verification.verdict
        return cls(
            lead_id=verification.lead_id,
            accepted=verdict.accepted,
            contact=verdict.contact,
            checks=list(verdict.checks),
            reasons=list(verdict.reasons),
            verified_at=verification.verified_at,
        )
