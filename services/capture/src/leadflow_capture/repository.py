"""All of capture's queries."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_capture.tables import leads


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: dict[str, Any]) -> uuid.UUID | None:
        """Insert a lead; returns None when the source already has its idempotency key."""
        stmt = pg_insert(leads).values(**row).on_conflict_do_nothing().returning(leads.c.id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def id_for_key(self, source_id: str, idempotency_key: str) -> uuid.UUID | None:
        stmt = sa.select(leads.c.id).where(
            leads.c.source_id == source_id, leads.c.idempotency_key == idempotency_key
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, lead_id: uuid.UUID) -> sa.Row[Any] | None:
        return (await self.session.execute(sa.select(leads).where(leads.c.id == lead_id))).first()
