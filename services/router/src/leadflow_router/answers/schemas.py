"""How answers are given and answered."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from leadflow_router.assignments.repository import Assignment
from leadflow_router.assignments.schemas import AssignmentOut
from leadflow_shared.events.v1 import Assignee


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(
        default=None, max_length=2000, description="why (goes out as the feedback's note)"
    )


class RejectedOut(BaseModel):
    rejected_by: Assignee
    assignment: AssignmentOut = Field(description="where the lead went next")

    @classmethod
    def of(cls, rejected_by: Assignee, moved: Assignment) -> RejectedOut:
        return cls(rejected_by=rejected_by, assignment=AssignmentOut.of(moved))
