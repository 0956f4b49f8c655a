"""How rules' read API shows a score."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from leadflow_score.rules.repository import StoredScore
from leadflow_shared.events.v1 import LifecycleStatus, ScoreContribution, Temperature


class ScoreOut(BaseModel):
    lead_id: uuid.UUID
    score: int
    temperature: Temperature
    status: LifecycleStatus
    explanation: list[ScoreContribution]
    rules_version: str
    scored_at: datetime

    @classmethod
    def of(cls, stored: StoredScore) -> ScoreOut:
        r = stored.result
        return cls(
            lead_id=stored.lead_id,
            score=r.score,
            temperature=r.temperature,
            status=r.status,
            explanation=list(r.explanation),
            rules_version=r.rules_version,
            scored_at=stored.scored_at,
        )
