"""How a claim is answered: the assignment, and the lead's details (the rep's to work)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from leadflow_router.assignments.domain.details import LeadDetails
from leadflow_router.assignments.repository import Assignment
from leadflow_router.assignments.schemas import AssignmentOut
from leadflow_shared.events.v1 import ContactDetails, Cta


class LeadOut(BaseModel):
    source_id: str
    score: int
    contact: ContactDetails
    cta: Cta
    message: str | None
    received_at: datetime

    @classmethod
    def of(cls, details: LeadDetails) -> LeadOut:
        return cls(**details.model_dump())


class ClaimedOut(AssignmentOut):
    lead: LeadOut

    @classmethod
    def claimed(cls, a: Assignment) -> ClaimedOut:
        assert a.details is not None  # a claimed lead always has them
        return cls(**AssignmentOut.of(a).model_dump(), lead=LeadOut.of(a.details))
