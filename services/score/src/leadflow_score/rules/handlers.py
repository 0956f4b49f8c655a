"""rules' use cases: scoring verified leads (a stage handler) and reading a score."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_score import NAME
from leadflow_score.rules.domain.rules import score_lead
from leadflow_score.rules.repository import ScoreRepository
from leadflow_shared.events import (
    LeadScored,
    LeadScoredData,
    LeadVerified,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.events.envelope import first_per_lead
from leadflow_shared.uow import UnitOfWork


async def score_leads(uow: UnitOfWork, events: Sequence[LeadVerified]) -> None:
    """Score a batch of verified leads and store the scores (one statement); publish
    ``lead.scored`` with the explanation for each lead scored now. A lead scored before,
    under another event id, keeps its first score and publishes nothing twice."""
    results = [(event, score_lead(event.data)) for event in first_per_lead(events)]
    stored = await ScoreRepository(uow).add_new(
        [(event.lead_id, result) for event, result in results]
    )
    for event, result in results:
        if event.lead_id not in stored:
            continue
        scored = LeadScored(
            **new_envelope_fields(producer=NAME, lead_id=event.lead_id, cause=event),
            data=LeadScoredData(
                score=result.score,
                temperature=result.temperature,
                status=result.status,
                explanation=result.explanation,
                rules_version=result.rules_version,
                lead=event.data,
            ),
        )
        uow.publish(Topics.SCORED, scored)
