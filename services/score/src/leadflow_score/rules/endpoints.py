"""rules' HTTP API: a lead's score and why."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from leadflow_score.rules.queries import score_of
from leadflow_score.rules.schemas import ScoreOut
from leadflow_shared.errors import NotFound
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["leads"])


@router.get("/v1/leads/{lead_id}/score")
async def get_score(lead_id: uuid.UUID, uow: UoW) -> ScoreOut:
    """A lead's score, temperature, status and the rules that gave them."""
    found = await score_of(uow, lead_id)
    if found is None:
        raise NotFound(f"no score for lead {lead_id}")
    return ScoreOut.of(found)
