"""capture's declaration: what ``leadflow-capture api | consumer | migrate`` are built from."""

from __future__ import annotations

from typing import Any

from leadflow_capture import NAME, tables
from leadflow_capture.intake.handlers import forget_expired
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.service import Chore, Runtime, Service

FORGET_EVERY_S = 60.0


async def forget_expired_keys(runtime: Runtime[Any]) -> None:
    await forget_expired(runtime.unit_of_work())


SERVICE = Service(
    name=NAME,
    description="Receives landing-page forms and JSON webhooks; every lead is stored "
    "before it is acknowledged.",
    settings=CaptureSettings,
    metadata=tables.metadata,
    api="leadflow_capture.api:intake_api",
    chores=[Chore("forgetting expired dedupe keys", lambda _: FORGET_EVERY_S, forget_expired_keys)],
)
