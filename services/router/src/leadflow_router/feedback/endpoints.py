"""feedback's HTTP API: ``POST /v1/assignments/{lead_id}/feedback``, for the lead's
assignee (a rep's or partner's own key) or the admin key."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from leadflow_router.feedback.handlers import report
from leadflow_router.feedback.schemas import FeedbackIn, FeedbackOut
from leadflow_router.keys.guard import CallerOf, keyed_router
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW


def router(runtime: Runtime[Any]) -> APIRouter:
    api = keyed_router(runtime, tags=["feedback"])
    clock = runtime.port("clock", Clock)

    @api.post("/v1/assignments/{lead_id}/feedback", status_code=202)
    async def give_feedback(
        lead_id: uuid.UUID, given: FeedbackIn, uow: UoW, caller: CallerOf
    ) -> FeedbackOut:
        """Report what became of a routed lead (accepted, contacted, converted, junk, dead,
        rejected, with an optional note): published on ``leads.feedback.v1`` (score
        re-scores the person's leads); converted, junk, dead and rejected close the lead and
        free a place in its rep's capacity. The lead's rep or partner (their own key) or the
        admin may report; anyone else's key is refused (403)."""
        return await report(uow, lead_id, given, clock.now(), caller)

    return api
