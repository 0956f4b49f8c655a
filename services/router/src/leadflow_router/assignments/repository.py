"""assignments' queries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.assignments.tables import assignments
from leadflow_shared.events.v1 import LifecycleStatus, Temperature
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Assignment:
    """Where a lead went, as stored."""

    lead_id: uuid.UUID
    decision: Decision
    temperature: Temperature
    status: LifecycleStatus
    routed_at: datetime


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
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)
_ASSIGNED = f"""
SELECT lead_id, assignee_kind, assignee_id, rule_path, reason FROM {assignments.fullname}
WHERE lead_id = ANY($1::uuid[])
"""


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

    async def add_new(
        self, routed: Sequence[tuple[uuid.UUID, Decision, Temperature, LifecycleStatus]]
    ) -> set[uuid.UUID]:
        """Record where each lead went (one statement); returns the leads recorded now."""
        return await self.uow.returned(
            _ADD,
            [r[0] for r in routed],
            [r[1].kind for r in routed],
            [r[1].assignee_id for r in routed],
            [json.dumps(list(r[1].rule_path)) for r in routed],
            [r[1].reason for r in routed],
            [r[2] for r in routed],
            [r[3] for r in routed],
        )

    async def get(self, lead_id: uuid.UUID) -> Assignment | None:
        stmt = sa.select(assignments).where(assignments.c.lead_id == lead_id)
        row = (await self.uow.session.execute(stmt)).first()
        if row is None:
            return None
        decision = Decision(
            kind=row.assignee_kind,
            assignee_id=row.assignee_id,
            rule_path=tuple(row.rule_path),
            reason=row.reason,
        )
        return Assignment(row.lead_id, decision, row.temperature, row.status, row.routed_at)
