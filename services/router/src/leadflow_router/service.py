"""router's declaration: what ``leadflow-router api | consumer | migrate`` are built from."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_router import NAME, tables
from leadflow_router.assignments import endpoints as assignment_endpoints
from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig
from leadflow_router.partners import endpoints as partner_endpoints
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.reps import endpoints as rep_endpoints
from leadflow_router.reps.repository import RepRepository
from leadflow_router.settings import RouterSettings
from leadflow_shared.config import load_config
from leadflow_shared.events import LeadScored, Topics
from leadflow_shared.service import Runtime, Service, Subscription
from leadflow_shared.uow import UnitOfWork


def partner_topics(settings: RouterSettings) -> Sequence[str]:
    """Each configured partner's own topic."""
    config = load_config(settings.config_file, RouterConfig)
    return [Topics.partner(p.id) for p in config.partners]


async def sync_config(runtime: Runtime[RouterSettings]) -> None:
    """Make the stored reps and partners match the configuration file (round-robin state
    survives; reps and partners no longer configured are deactivated)."""
    config = load_config(runtime.settings.config_file, RouterConfig)

    async def sync(uow: UnitOfWork) -> None:
        await RepRepository(uow).sync(config.reps)
        await PartnerRepository(uow).sync(config.partners)

    await runtime.db.transaction(sync)


SERVICE = Service(
    name=NAME,
    description="Distributes scored leads to sales reps, partner resellers or nurture.",
    settings=RouterSettings,
    metadata=tables.metadata,
    subscriptions=[Subscription(LeadScored, route_leads)],
    routers=[rep_endpoints.router, partner_endpoints.router, assignment_endpoints.router],
    topics=partner_topics,
    on_start=sync_config,
)
