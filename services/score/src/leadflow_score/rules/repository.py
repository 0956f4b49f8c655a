"""rules' queries: scores stored a batch at a time, read one at a time."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_score.rules.domain.rules import ScoreResult
from leadflow_score.rules.tables import scores
from leadflow_shared.events.v1 import ScoreContribution
from leadflow_shared.sql import insert_arrays


@dataclass(frozen=True)
class StoredScore:
    """A lead's score as stored, with when it was given."""

    lead_id: uuid.UUID
    result: ScoreResult
    scored_at: datetime


_ADD = insert_arrays(
    scores,
    {
        "lead_id": "uuid",
        "score": "integer",
        "temperature": "text",
        "status": "text",
        "explanation": "jsonb",
        "rules_version": "text",
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)


class ScoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_new(self, results: Sequence[tuple[uuid.UUID, ScoreResult]]) -> set[uuid.UUID]:
        """Store each lead's score in one statement; returns the leads stored now (a lead
        scored before keeps its first score and is not among them)."""
        if not results:
            return set()
        result = await self.session.execute(
            _ADD,
            {
                "lead_id": [lead_id for lead_id, _ in results],
                "score": [r.score for _, r in results],
                "temperature": [r.temperature for _, r in results],
                "status": [r.status for _, r in results],
                "explanation": [
                    json.dumps([c.model_dump(mode="json") for c in r.explanation])
                    for _, r in results
                ],
                "rules_version": [r.rules_version for _, r in results],
            },
        )
        return set(result.scalars().all())

    async def get(self, lead_id: uuid.UUID) -> StoredScore | None:
        row = (
            await self.session.execute(sa.select(scores).where(scores.c.lead_id == lead_id))
        ).first()
        if row is None:
            return None
        result = ScoreResult(
            score=row.score,
            temperature=row.temperature,
            status=row.status,
            explanation=tuple(ScoreContribution.model_validate(c) for c in row.explanation),
            rules_version=row.rules_version,
        )
        return StoredScore(row.lead_id, result, row.scored_at)
