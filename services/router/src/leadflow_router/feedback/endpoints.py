"""feedback's HTTP API: ``POST /v1/assignments/{lead_id}/feedback``.

Until reps and partners have keys of their own, it takes the admin key."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends

from leadflow_router.feedback.handlers import report
from leadflow_router.feedback.schemas import FeedbackIn, FeedbackOut
from leadflow_shared.admin import admin_only
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW


def router(runtime: Runtime[Any]) -> APIRouter:
    api = APIRouter(
        tags=["feedback"], dependencies=[Depends(admin_only(runtime.settings.admin_api_key))]
    )
    clock = runtime.port("clock", Clock)

    @api.post("/v1/assignments/{lead_id}/feedback", status_code=202)
    async def give_feedback(lead_id: uuid.UUID, given: FeedbackIn, uow: UoW) -> FeedbackOut:
        """Report what became of a routed lead (accepted, contacted, converted, junk, dead,
        rejected, with an optional note): published on ``leads.feedback.v1`` (score
        re-scores the person's leads); converted, junk, dead and rejected close the lead and
        free a place in its rep's capacity."""
        return await report(uow, lead_id, given, clock.now())

    return api
