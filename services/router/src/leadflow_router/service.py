"""router's declaration: what ``leadflow-router api | consumer | migrate`` are built from."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_router import NAME, tables
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.settings import RouterSettings
from leadflow_shared.config import load_config
from leadflow_shared.events import LeadScored, Topics
from leadflow_shared.service import Runtime, Service, Subscription


def partner_topics(settings: RouterSettings) -> Sequence[str]:
    """Each configured partner's own topic."""
    config = load_config(settings.config_file, RouterConfig)
    return [Topics.partner(p.id) for p in config.partners]


async def load_team(runtime: Runtime[RouterSettings]) -> None:
    """The consumer process's start: the configuration file's reps and partners."""
    await sync_config(
        runtime.unit_of_work(), load_config(runtime.settings.config_file, RouterConfig)
    )


SERVICE = Service(
    name=NAME,
    description="Distributes scored leads to sales reps, partner resellers or nurture.",
    settings=RouterSettings,
    metadata=tables.metadata,
    subscriptions=[Subscription(LeadScored, "leadflow_router.assignments.handlers:route_leads")],
    routers=[
        "leadflow_router.partners.endpoints:router",
        "leadflow_router.assignments.endpoints:router",
    ],
    api="leadflow_router.api:router_api",
    topics=partner_topics,
    on_start=load_team,
)
