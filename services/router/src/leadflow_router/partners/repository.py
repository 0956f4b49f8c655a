"""partners' queries."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_router.configured import sync_configured
from leadflow_router.partners.domain import Partner
from leadflow_router.partners.tables import partners


class PartnerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sync(self, configured: Sequence[Partner]) -> None:
        await sync_configured(self.session, partners, configured)

    async def all(self) -> list[Partner]:
        rows = (await self.session.execute(sa.select(partners).order_by(partners.c.id))).all()
        return [
            Partner(id=r.id, name=r.name, territories=tuple(r.territories), active=r.active)
            for r in rows
        ]
