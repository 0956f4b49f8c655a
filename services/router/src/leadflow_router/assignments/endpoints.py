"""assignments' HTTP API: where a lead went, by which rule and why; and its whole routing
history (the audit), for the admin or the reps and partners who had it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from leadflow_router.assignments.queries import assignment_of, audit_of
from leadflow_router.assignments.schemas import AssignmentOut, AuditOut
from leadflow_router.keys.guard import CallerOf, keyed_router
from leadflow_shared.errors import NotFound
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["leads"])


@router.get("/v1/leads/{lead_id}/assignment")
async def get_assignment(lead_id: uuid.UUID, uow: UoW) -> AssignmentOut:
    """Where a lead was routed, by which rule and why."""
    found = await assignment_of(uow, lead_id)
    if found is None:
        raise NotFound(f"lead {lead_id} has not been routed")
    return AssignmentOut.of(found)


def audit_router(runtime: Runtime[Any]) -> APIRouter:
    api = keyed_router(
        runtime,
        tags=["leads"],
        responses={
            403: {"description": "the caller never had the lead"},
            404: {"description": "no such lead among the routed ones"},
        },
    )

    @api.get("/v1/assignments/{lead_id}")
    async def get_audit(lead_id: uuid.UUID, uow: UoW, caller: CallerOf) -> AuditOut:
        """The lead's assignment now and every routing of it, the first first: why it was
        made (routed, claimed, rejected, sla-expired), the rule path and reason, who had it
        before, by when it had to be accepted, the reps the decision could pick and those
        it skipped with why. The admin key, or the key of a rep or partner who has or had
        the lead."""
        return AuditOut.audit(*await audit_of(uow, lead_id, caller))

    return api
