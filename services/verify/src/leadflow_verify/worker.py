"""verify's ``consumer`` process: leads.captured.v1 in, verified or rejected out."""

from __future__ import annotations

import asyncio

from leadflow_shared.events import Topics
from leadflow_shared.runtime import run_service_worker
from leadflow_shared.settings import ServiceSettings
from leadflow_verify import SERVICE
from leadflow_verify.handlers import verify_lead
from leadflow_verify.tables import inbox, outbox


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    await run_service_worker(
        service=SERVICE,
        settings=settings,
        outbox_table=outbox,
        inbox_table=inbox,
        subscribe=[Topics.CAPTURED],
        handlers={"lead.captured": verify_lead},
        stop=stop,
    )
