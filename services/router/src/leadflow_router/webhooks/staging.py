"""Staging webhook deliveries with the offers: :func:`deliver_offers` asks the unit of work
to store, when it commits, a delivery for every ``lead.offered`` it publishes to a partner
with a webhook (one statement for all of them, in the same transaction)."""

from __future__ import annotations

from leadflow_router.webhooks.repository import DeliveryRepository
from leadflow_shared.events import LeadOffered
from leadflow_shared.uow import UnitOfWork


async def stage_deliveries(uow: UnitOfWork) -> None:
    offers = [m.event for m in uow.staged if isinstance(m.event, LeadOffered)]
    await DeliveryRepository(uow).stage(offers)


def deliver_offers(uow: UnitOfWork) -> None:
    """The offers this unit of work publishes go to their partners' webhooks too."""
    uow.before_commit(stage_deliveries)
