"""assignments' read use cases (the API's; they load none of the stage's code)."""

from __future__ import annotations

import uuid

from leadflow_router.assignments.history import HistoryRepository, RoutingRecord
from leadflow_router.assignments.repository import Assignment, AssignmentRepository
from leadflow_router.errors import NotRouted, NotYours
from leadflow_router.keys.domain import Caller, not_yours
from leadflow_shared.uow import UnitOfWork


async def assignment_of(uow: UnitOfWork, lead_id: uuid.UUID) -> Assignment | None:
    async with uow:
        return await AssignmentRepository(uow).get(lead_id)


async def audit_of(
    uow: UnitOfWork, lead_id: uuid.UUID, caller: Caller
) -> tuple[Assignment, list[RoutingRecord]]:
    """The lead's assignment and its whole routing history, for the admin or a rep or
    partner who has it or had it. Raises ``NotRouted``, ``NotYours``."""
    async with uow:
        found = await AssignmentRepository(uow).get(lead_id)
        if found is None:
            raise NotRouted(f"lead {lead_id} has not been routed")
        history = await HistoryRepository(uow).of(lead_id)
    holders = {(found.decision.kind, found.decision.assignee_id)}
    holders |= {(r.assignee.kind, r.assignee.id) for r in history}
    if not any(caller.acts_for(kind, who) for kind, who in holders):
        raise NotYours(not_yours(lead_id, caller))
    return found, history
