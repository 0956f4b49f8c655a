"""partners' use cases."""

from __future__ import annotations

from leadflow_router.partners.domain import Partner
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.webhooks.repository import DeliveryRepository, EndpointHealth
from leadflow_shared.uow import UnitOfWork


async def list_partners(uow: UnitOfWork) -> list[tuple[Partner, EndpointHealth | None]]:
    """Every partner, with its webhook's health (None: it has no webhook)."""
    async with uow:
        partners = await PartnerRepository(uow).all()
        health = await DeliveryRepository(uow).health()
        return [(p, health.get(p.id)) for p in partners]
