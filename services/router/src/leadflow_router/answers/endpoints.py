"""answers' HTTP API: ``POST /v1/assignments/{lead_id}/accept`` and ``/reject``, for the
lead's rep or partner (their own key) or the admin key."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from leadflow_router.answers.handlers import accept, reject
from leadflow_router.answers.schemas import RejectedOut, RejectIn
from leadflow_router.assignments.schemas import AssignmentOut
from leadflow_router.keys.guard import CallerOf, keyed_router
from leadflow_router.sla.domain import Sla
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "the lead is someone else's"},
    404: {"description": "no such lead among the routed ones"},
    409: {"description": "the lead waits in a queue, or feedback closed it"},
}


def router(runtime: Runtime[Any]) -> APIRouter:
    api = keyed_router(runtime, tags=["answers"], responses=_REFUSALS)
    clock = runtime.port("clock", Clock)
    sla = runtime.port("sla", Sla)

    @api.post("/v1/assignments/{lead_id}/accept")
    async def accept_lead(lead_id: uuid.UUID, uow: UoW, caller: CallerOf) -> AssignmentOut:
        """The lead's rep or partner accepts it: ``accepted_at`` is recorded and
        ``lead.feedback`` (accepted) published, once (accepting again changes nothing)."""
        return AssignmentOut.of(await accept(uow, lead_id, caller, clock.now()))

    @api.post("/v1/assignments/{lead_id}/reject")
    async def reject_lead(
        lead_id: uuid.UUID, uow: UoW, caller: CallerOf, body: RejectIn | None = None
    ) -> RejectedOut:
        """The lead's rep or partner rejects it (accepted or not): a rep's place is freed,
        ``lead.feedback`` (rejected) published, and the lead routed again by the routing
        rules (the configured list: partners, then eligible reps by weight or least busy,
        then the rule's fallback queue), never to anyone who rejected it. The new
        ``lead.routed`` has ``attempt`` counted on
        and ``previous`` naming who rejected it; the next rep or partner has the SLA's
        minutes to accept it."""
        reason = body.reason if body else None
        rejected_by, moved = await reject(uow, lead_id, caller, reason, clock.now(), sla)
        return RejectedOut.of(rejected_by, moved)

    return api
