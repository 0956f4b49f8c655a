"""How assignments' read API shows where a lead went."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from leadflow_router.assignments.repository import Assignment
from leadflow_shared.events.v1 import AssigneeKind, LifecycleStatus, Temperature


class AssignmentOut(BaseModel):
    lead_id: uuid.UUID
    assignee_kind: AssigneeKind
    assignee_id: str
    rule_path: list[str]
    reason: str
    temperature: Temperature
    status: LifecycleStatus
    routed_at: datetime = Field(description="when the lead went to its current assignee")
    attempt: int = Field(description="which routing of the lead this is: 1 the first")
    accepted_at: datetime | None = Field(description="when its assignee accepted it")
    closed_at: datetime | None = Field(description="when feedback closed it")

    @classmethod
    def of(cls, a: Assignment) -> AssignmentOut:
        d = a.decision
        return cls(
            lead_id=a.lead_id,
            assignee_kind=d.kind,
            assignee_id=d.assignee_id,
            rule_path=list(d.rule_path),
            reason=d.reason,
            temperature=a.temperature,
            status=a.status,
            routed_at=a.routed_at,
            attempt=a.attempt,
            accepted_at=a.accepted_at,
            closed_at=a.closed_at,
        )
