"""assignments' read use cases (the API's; they load none of the stage's code)."""

from __future__ import annotations

import uuid

from leadflow_router.assignments.repository import Assignment, AssignmentRepository
from leadflow_shared.uow import UnitOfWork


async def assignment_of(uow: UnitOfWork, lead_id: uuid.UUID) -> Assignment | None:
    async with uow:
        return await AssignmentRepository(uow).get(lead_id)
