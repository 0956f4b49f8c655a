"""rules' queries: scores stored a batch at a time, read one at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic_core import to_json

from leadflow_score.rules.domain.rules import ScoreResult
from leadflow_score.rules.tables import scores
from leadflow_shared.events.v1 import ScoreContribution
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork


@dataclass(frozen=True)
class StoredScore:
    """A lead's score as stored, with when it was given."""

    lead_id: uuid.UUID
    result: ScoreResult
    scored_at: datetime


_ADD = insert_unnest(
    scores,
    {
        "lead_id": "uuid",
        "score": "integer",
        "temperature": "text",
        "status": "text",
        "explanation": "json",
        "rules_version": "text",
    },
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)


class ScoreRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add_new(self, results: Sequence[tuple[uuid.UUID, ScoreResult]]) -> set[uuid.UUID]:
        """Store each lead's score in one statement; returns the leads stored now (a lead
        scored before keeps its first score and is not among them)."""
        return await self.uow.returned(
            _ADD,
            [lead_id for lead_id, _ in results],
            [r.score for _, r in results],
            [r.temperature for _, r in results],
            [r.status for _, r in results],
            [to_json(list(r.explanation)).decode() for _, r in results],
            [r.rules_version for _, r in results],
        )

    async def get(self, lead_id: uuid.UUID) -> StoredScore | None:
        stmt = sa.select(scores).where(scores.c.lead_id == lead_id)
        row = (await self.uow.session.execute(stmt)).first()
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
