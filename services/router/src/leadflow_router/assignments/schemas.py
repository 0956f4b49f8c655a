"""How assignments' read API shows where a lead went, and every routing before."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from leadflow_router.assignments.history import ELIGIBLE, RoutingRecord
from leadflow_router.assignments.repository import Assignment
from leadflow_shared.events.v1 import Assignee, AssigneeKind, LifecycleStatus, Temperature


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


class SkippedOut(BaseModel):
    rep_id: str
    why: str = Field(description="why routing passed the rep over")


class RoutingOut(BaseModel):
    attempt: int = Field(description="1 the first routing; each later one counts on")
    why: str = Field(description="routed | claimed | rejected | sla-expired")
    assignee: Assignee
    previous: Assignee | None = Field(description="who had the lead before")
    rule_path: list[str]
    reason: str
    decided_at: datetime
    answer_by: datetime | None = Field(
        description="by when the assignee had to accept it (the SLA); None: no deadline"
    )
    eligible: list[str] = Field(description="the reps the decision could have picked")
    skipped: list[SkippedOut] = Field(description="the reps it passed over, and why")

    @classmethod
    def of(cls, r: RoutingRecord) -> RoutingOut:
        considered = r.considered
        return cls(
            attempt=r.attempt,
            why=r.why,
            assignee=r.assignee,
            previous=r.previous,
            rule_path=list(r.rule_path),
            reason=r.reason,
            decided_at=r.decided_at,
            answer_by=r.answer_by,
            eligible=[rep for rep, verdict in considered if verdict == ELIGIBLE],
            skipped=[SkippedOut(rep_id=rep, why=v) for rep, v in considered if v != ELIGIBLE],
        )


class AuditOut(AssignmentOut):
    answer_by: datetime | None = Field(
        description="by when the current assignee must accept it (the SLA); None: no deadline"
    )
    history: list[RoutingOut] = Field(description="every routing of the lead, the first first")

    @classmethod
    def audit(cls, a: Assignment, history: list[RoutingRecord]) -> AuditOut:
        return cls(
            **AssignmentOut.of(a).model_dump(),
            answer_by=a.answer_by,
            history=[RoutingOut.of(r) for r in history],
        )
