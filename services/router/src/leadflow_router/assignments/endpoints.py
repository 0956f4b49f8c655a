"""assignments' HTTP API: where a lead went, by which rule and why."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from leadflow_router.assignments.queries import assignment_of
from leadflow_router.assignments.schemas import AssignmentOut
from leadflow_shared.errors import NotFound
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["leads"])


@router.get("/v1/leads/{lead_id}/assignment")
async def get_assignment(lead_id: uuid.UUID, uow: UoW) -> AssignmentOut:
    """Where a lead was routed, by which rule and why."""
    found = await assignment_of(uow, lead_id)
    if found is None:
        raise NotFound(f"lead {lead_id} has not been routed")
    return AssignmentOut.of(found)
