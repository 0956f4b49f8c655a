"""partners' use cases."""

from __future__ import annotations

from leadflow_router.partners.domain import Partner
from leadflow_router.partners.repository import PartnerRepository
from leadflow_shared.uow import UnitOfWork


async def list_partners(uow: UnitOfWork) -> list[Partner]:
    async with uow:
        return await PartnerRepository(uow).all()
