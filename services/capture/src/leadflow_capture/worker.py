"""capture's ``consumer`` process: relays the outbox and forgets expired dedupe keys."""

from __future__ import annotations

import asyncio

from leadflow_capture import SERVICE
from leadflow_capture.handlers import forget_expired
from leadflow_capture.tables import inbox, outbox
from leadflow_shared.db import Database
from leadflow_shared.runtime import every, run_service_worker
from leadflow_shared.settings import ServiceSettings

CLEANUP_INTERVAL_S = 60.0


async def forget_expired_keys(db: Database, stop: asyncio.Event) -> None:
    await every(
        CLEANUP_INTERVAL_S,
        stop,
        lambda: forget_expired(db.unit_of_work()),
        "forgetting expired dedupe keys",
    )


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    await run_service_worker(
        service=SERVICE,
        settings=settings,
        outbox_table=outbox,
        inbox_table=inbox,
        subscribe=[],
        handlers={},
        stop=stop,
        chores=[forget_expired_keys],
    )
