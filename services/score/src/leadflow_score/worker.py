"""score's ``consumer`` process: leads.verified.v1 in, leads.scored.v1 out."""

from __future__ import annotations

import asyncio

from leadflow_score import SERVICE
from leadflow_score.handlers import score_verified_lead
from leadflow_score.tables import inbox, outbox
from leadflow_shared.events import Topics
from leadflow_shared.runtime import run_service_worker
from leadflow_shared.settings import ServiceSettings


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    await run_service_worker(
        service=SERVICE,
        settings=settings,
        outbox_table=outbox,
        inbox_table=inbox,
        subscribe=[Topics.VERIFIED],
        handlers={"lead.verified": score_verified_lead},
        stop=stop,
    )
