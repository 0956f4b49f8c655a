"""All of score's queries."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_score.tables import scores


class ScoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: dict[str, Any]) -> bool:
        """Store a lead's score; False when the lead was scored before."""
        stmt = pg_insert(scores).values(**row).on_conflict_do_nothing().returning(scores.c.lead_id)
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def get(self, lead_id: uuid.UUID) -> sa.Row[Any] | None:
        return (
            await self.session.execute(sa.select(scores).where(scores.c.lead_id == lead_id))
        ).first()
