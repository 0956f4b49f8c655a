"""score's use cases."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_score import SERVICE
from leadflow_score.domain.rules import score_lead
from leadflow_score.repository import ScoreRepository
from leadflow_shared.events import (
    LeadScored,
    LeadScoredData,
    LeadVerified,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.outbox import Outgoing


async def score_verified_lead(session: AsyncSession, event: LeadVerified) -> Sequence[Outgoing]:
    """Score a verified lead and publish ``lead.scored`` with the explanation."""
    result = score_lead(event.data)
    stored = await ScoreRepository(session).add(
        {
            "lead_id": event.lead_id,
            "score": result.score,
            "temperature": result.temperature,
            "status": result.status,
            "explanation": [c.model_dump(mode="json") for c in result.explanation],
            "rules_version": result.rules_version,
        }
    )
    if not stored:  # scored before, under another event id: publish nothing twice
        return []
    scored = LeadScored(
        **new_envelope_fields(producer=SERVICE, lead_id=event.lead_id, cause=event),
        data=LeadScoredData(
            score=result.score,
            temperature=result.temperature,
            status=result.status,
            explanation=result.explanation,
            rules_version=result.rules_version,
            lead=event.data,
        ),
    )
    return [Outgoing(Topics.SCORED, scored)]
