"""capture's ``consumer`` process: it consumes nothing yet and relays its outbox."""

from __future__ import annotations

import asyncio

from leadflow_capture import SERVICE
from leadflow_capture.tables import inbox, outbox
from leadflow_shared.runtime import run_service_worker
from leadflow_shared.settings import ServiceSettings


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    await run_service_worker(
        service=SERVICE,
        settings=settings,
        outbox_table=outbox,
        inbox_table=inbox,
        subscribe=[],
        handlers={},
        stop=stop,
    )
