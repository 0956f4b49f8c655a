"""All of verify's queries."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_verify.tables import verifications


class VerificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: dict[str, Any]) -> bool:
        """Store a verification; False when the lead was verified before."""
        stmt = (
            pg_insert(verifications)
            .values(**row)
            .on_conflict_do_nothing()
            .returning(verifications.c.lead_id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def get(self, lead_id: uuid.UUID) -> sa.Row[Any] | None:
        stmt = sa.select(verifications).where(verifications.c.lead_id == lead_id)
        return (await self.session.execute(stmt)).first()
