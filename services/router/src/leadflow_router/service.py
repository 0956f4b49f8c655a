"""router's declaration: what ``leadflow-router api | consumer | migrate`` are built from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from leadflow_router import NAME, tables
from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.settings import RouterSettings
from leadflow_router.sla.chores import CHORES as SLA_CHORES
from leadflow_router.sla.domain import Sla
from leadflow_router.webhooks.chores import CHORES as WEBHOOK_CHORES
from leadflow_router.webhooks.chores import check_webhook_secrets, webhook_ports
from leadflow_shared.config import load_config
from leadflow_shared.events import LeadScored, Topics
from leadflow_shared.service import Runtime, Service, Subscription


def partner_topics(settings: RouterSettings) -> Sequence[str]:
    """Each configured partner's own topic."""
    config = load_config(settings.config_file, RouterConfig)
    return [Topics.partner(p.id) for p in config.partners]


def _ports(settings: RouterSettings) -> Mapping[str, object]:
    """The SLAs of the configuration file (none without a file: no deadlines), and what
    partners' webhooks are posted with."""
    sla = (
        Sla()
        if settings.config_file is None
        else load_config(settings.config_file, RouterConfig).sla
    )
    return {"sla": sla, **webhook_ports(settings)}


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
        "leadflow_router.feedback.reports:router",
    ],
    api="leadflow_router.api:router_api",
    topics=partner_topics,
    ports=_ports,
    chores=[*SLA_CHORES, *WEBHOOK_CHORES],
    on_start=load_team,
    preflight=check_webhook_secrets,
)
