"""router's ``consumer`` process: leads.scored.v1 in; routed leads and partner offers out."""

from __future__ import annotations

import asyncio

from leadflow_router import SERVICE
from leadflow_router.domain.model import RouterConfig
from leadflow_router.handlers import route_scored_lead
from leadflow_router.repository import RouterRepository
from leadflow_router.tables import inbox, outbox
from leadflow_shared.config import load_config
from leadflow_shared.db import Database
from leadflow_shared.events import Topics
from leadflow_shared.runtime import run_service_worker
from leadflow_shared.settings import ServiceSettings


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    config = load_config(settings.config_file, RouterConfig)

    async def sync_config(db: Database) -> None:
        await db.transaction(lambda session: RouterRepository(session).sync_config(config))

    await run_service_worker(
        service=SERVICE,
        settings=settings,
        outbox_table=outbox,
        inbox_table=inbox,
        subscribe=[Topics.SCORED],
        handlers={"lead.scored": route_scored_lead},
        stop=stop,
        extra_topics=[Topics.partner(p.id) for p in config.partners],
        on_start=sync_config,
    )
