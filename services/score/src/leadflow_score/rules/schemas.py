"""How rules' read API shows a score and its history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from leadflow_shared.events.v1 import LifecycleStatus, ScoreContribution, ScoreTrigger, Temperature


class ScoreOut(BaseModel):
    """One score: its parts, temperature and status, and every rule that gave points."""

    score: int = Field(description="fit + engagement: the explanation's points add up to it")
    fit: int | None = Field(description="None for scores given before scores had two parts")
    engagement: int | None
    temperature: Temperature
    status: LifecycleStatus
    status_reason: str | None
    explanation: list[ScoreContribution]
    rules_version: str
    trigger: ScoreTrigger | None = Field(description="why it was given")
    scored_at: datetime


class LeadScoreOut(ScoreOut):
    """A lead's current score alone (the first path's answer)."""

    lead_id: uuid.UUID


class HistoryEntry(ScoreOut):
    published: bool = Field(description="whether lead.scored went out for it")


class LeadScoresOut(BaseModel):
    lead_id: uuid.UUID
    current: ScoreOut
    history: list[HistoryEntry] = Field(
        description="every score that moved the lead's score, temperature or status, oldest first"
    )

    @classmethod
    def of(
        cls, lead_id: uuid.UUID, current: dict[str, Any], history: list[dict[str, Any]]
    ) -> LeadScoresOut:
        return cls(
            lead_id=lead_id,
            current=ScoreOut.model_validate(current),
            history=[HistoryEntry.model_validate(h) for h in history],
        )
