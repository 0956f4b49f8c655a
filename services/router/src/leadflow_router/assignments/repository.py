"""assignments' queries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadflow_router.assignments.domain.details import LeadDetails, RoutedLead
from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.assignments.tables import assignments
from leadflow_shared.events.v1 import LifecycleStatus, Temperature
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork


@dataclass(frozen=True)
class NewAssignment:
    """A lead's first routing, to be recorded."""

    lead_id: uuid.UUID
    decision: Decision
    temperature: Temperature
    status: LifecycleStatus
    country: str | None
    details: LeadDetails
    answer_by: datetime | None = None  # by when its rep or partner must accept it


@dataclass(frozen=True)
class Assignment:
    """Where a lead went, as stored."""

    lead_id: uuid.UUID
    decision: Decision
    temperature: Temperature
    status: LifecycleStatus
    routed_at: datetime  # when it went to its current assignee
    attempt: int = 1
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    country: str | None = None
    declined_by: tuple[str, ...] = ()
    details: LeadDetails | None = None  # None for leads routed before details were kept
    answer_by: datetime | None = None  # by when its assignee must accept it (the SLA)

    def lead(self) -> RoutedLead | None:
        """The lead as routing it again sees it (None: routed before details were kept)."""
        if self.details is None:
            return None
        return RoutedLead(
            details=self.details,
            country=self.country,
            temperature=self.temperature,
            status=self.status,
        )


_ADD = insert_unnest(
    assignments,
    {
        "lead_id": "uuid",
        "assignee_kind": "text",
        "assignee_id": "text",
        "rule_path": "json",
        "reason": "text",
        "temperature": "text",
        "status": "text",
        "country": "text",
        "details": "json",
        "answer_by": "timestamptz",
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)
_ASSIGNED = f"""
SELECT lead_id, assignee_kind, assignee_id, rule_path, reason FROM {assignments.fullname}
WHERE lead_id = ANY($1::uuid[])
"""
# The oldest of the hottest open leads waiting in ``queue`` from one of the territories,
# that the claimer never rejected: locked, and skipped by every other claim while it is.
_NEXT_IN_QUEUE = f"""
SELECT * FROM {assignments.fullname}
WHERE assignee_kind = 'queue' AND assignee_id = $1 AND closed_at IS NULL
  AND details IS NOT NULL AND country = ANY($2::text[]) AND NOT ($3 = ANY(declined_by))
ORDER BY CASE temperature WHEN 'hot' THEN 0 WHEN 'warm' THEN 1 ELSE 2 END, routed_at, lead_id
LIMIT 1
FOR UPDATE SKIP LOCKED
"""
# Open assignments nobody accepted by their deadline, the most overdue first: locked, and
# skipped by another run (or an answer) holding them. Kept to the partial index on
# answer_by (its predicate repeated here).
EXPIRED = f"""
SELECT * FROM {assignments.fullname}
WHERE answer_by <= $1
  AND answer_by IS NOT NULL AND accepted_at IS NULL AND closed_at IS NULL
  AND details IS NOT NULL
ORDER BY answer_by, lead_id
LIMIT $2
FOR UPDATE SKIP LOCKED
"""


def _assignment(row: Any) -> Assignment:
    decision = Decision(
        kind=row["assignee_kind"],
        assignee_id=row["assignee_id"],
        rule_path=tuple(row["rule_path"]),  # the session's codec decodes json
        reason=row["reason"],
    )
    details = row["details"]
    return Assignment(
        lead_id=row["lead_id"],
        decision=decision,
        temperature=row["temperature"],
        status=row["status"],
        routed_at=row["routed_at"],
        attempt=row["attempt"],
        accepted_at=row["accepted_at"],
        closed_at=row["closed_at"],
        country=row["country"],
        declined_by=tuple(row["declined_by"]),
        details=LeadDetails.model_validate(details) if details is not None else None,
        answer_by=row["answer_by"],
    )


class AssignmentRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def assigned(self, lead_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Decision]:
        """Where each of these leads went, for those routed already (one statement)."""
        if not lead_ids:
            return {}
        rows = await (await self.uow.driver()).fetch(_ASSIGNED, list(lead_ids))
        return {
            r["lead_id"]: Decision(
                kind=r["assignee_kind"],
                assignee_id=r["assignee_id"],
                rule_path=tuple(r["rule_path"]),  # the session's codec decodes json
                reason=r["reason"],
            )
            for r in rows
        }

    async def add_new(self, routed: Sequence[NewAssignment]) -> set[uuid.UUID]:
        """Record where each lead went (one statement); returns the leads recorded now."""
        return await self.uow.returned(
            _ADD,
            [r.lead_id for r in routed],
            [r.decision.kind for r in routed],
            [r.decision.assignee_id for r in routed],
            [json.dumps(list(r.decision.rule_path)) for r in routed],
            [r.decision.reason for r in routed],
            [r.temperature for r in routed],
            [r.status for r in routed],
            [r.country for r in routed],
            [r.details.model_dump_json() for r in routed],
            [r.answer_by for r in routed],
        )

    async def get(self, lead_id: uuid.UUID, *, lock: bool = False) -> Assignment | None:
        """The lead's assignment; ``lock``: locked until the unit of work ends."""
        stmt = sa.select(assignments).where(assignments.c.lead_id == lead_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.uow.session.execute(stmt)).first()
        return None if row is None else _assignment(row._mapping)

    async def next_in_queue(
        self, queue: str, territories: Sequence[str], claimer: str
    ) -> Assignment | None:
        """The lead ``claimer`` may take next from ``queue``, locked (see _NEXT_IN_QUEUE)."""
        row = await (await self.uow.driver()).fetchrow(
            _NEXT_IN_QUEUE, queue, list(territories), claimer
        )
        return None if row is None else _assignment(row)

    async def expired(self, now: datetime, limit: int) -> list[Assignment]:
        """Up to ``limit`` open assignments nobody accepted by their deadline, locked (see
        EXPIRED)."""
        rows = await (await self.uow.driver()).fetch(EXPIRED, now, limit)
        return [_assignment(r) for r in rows]

    async def move(
        self,
        lead_id: uuid.UUID,
        decision: Decision,
        now: datetime,
        *,
        attempt: int,
        declined_by: Sequence[str],
        answer_by: datetime | None = None,
    ) -> None:
        """The lead goes to ``decision``'s assignee: a new routing, not yet accepted (by
        ``answer_by``, when it has a deadline)."""
        await self.uow.session.execute(
            sa.update(assignments)
            .where(assignments.c.lead_id == lead_id)
            .values(
                assignee_kind=decision.kind,
                assignee_id=decision.assignee_id,
                rule_path=list(decision.rule_path),
                reason=decision.reason,
                routed_at=now,
                attempt=attempt,
                accepted_at=None,
                outcome=None,
                declined_by=list(declined_by),
                answer_by=answer_by,
            )
        )

    async def accept(self, lead_id: uuid.UUID, now: datetime) -> None:
        await self.uow.session.execute(
            sa.update(assignments)
            .where(assignments.c.lead_id == lead_id)
            .values(accepted_at=now, outcome="accepted")
        )
