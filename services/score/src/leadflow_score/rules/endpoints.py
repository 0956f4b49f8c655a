"""rules' HTTP API: a lead's score, why, and how it got there."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from leadflow_score.rules.queries import scores_of
from leadflow_score.rules.schemas import LeadScoreOut, LeadScoresOut
from leadflow_shared.errors import NotFound
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["scores"])


@router.get("/v1/scores/{lead_id}")
async def get_scores(lead_id: uuid.UUID, uow: UoW) -> LeadScoresOut:
    """A lead's current score (fit, engagement, temperature, status and every rule that
    gave points) and its whole score history."""
    found = await scores_of(uow, lead_id)
    if found is None:
        raise NotFound(f"no score for lead {lead_id}")
    current, history = found
    return LeadScoresOut.of(lead_id, current, history)


@router.get("/v1/leads/{lead_id}/score")
async def get_score(lead_id: uuid.UUID, uow: UoW) -> LeadScoreOut:
    """A lead's current score alone (the first path score had; ``/v1/scores/{lead_id}``
    shows its history too)."""
    found = await scores_of(uow, lead_id)
    if found is None:
        raise NotFound(f"no score for lead {lead_id}")
    return LeadScoreOut.model_validate({**found[0], "lead_id": lead_id})
