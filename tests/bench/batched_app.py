"""capture's app with group commit: built as ``leadflow_capture.api.create_app`` builds it
(keep the two alike), except that each request's lead goes through a :class:`Batcher` whose
flush is one ``capture_leads`` transaction for every lead waiting. A stand-in until
``create_app`` is wired this way.

Tuning from the environment (bench only): ``LEADFLOW_BENCH_BATCH_MAX`` (items per flush),
``LEADFLOW_BENCH_BATCH_WAIT_MS`` (how long an idle batcher waits for company),
``LEADFLOW_BENCH_BATCH_FLUSHES`` (flushes at a time per worker) and
``LEADFLOW_BENCH_GC_FREEZE=1`` (move everything alive after start-up out of the garbage
collector's reach, so that full collections stop scanning it).
"""

from __future__ import annotations

import gc
import os

from fastapi import FastAPI

from leadflow_capture import SERVICE
from leadflow_capture.batching import Batcher
from leadflow_capture.domain.sources import CaptureConfig
from leadflow_capture.handlers import CaptureRequest, Outcome, capture_leads
from leadflow_capture.intake import Intake
from leadflow_capture.registry import SourceRegistry
from leadflow_capture.routes import admin, forms, leads
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.config import load_config
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging


def create_app(settings: CaptureSettings) -> FastAPI:
    configured = load_config(settings.config_file, CaptureConfig).sources
    app, db = create_service_app(
        service=SERVICE, description="capture with group commit (bench)", settings=settings
    )

    async def flush(requests: list[CaptureRequest]) -> list[Outcome]:
        return await capture_leads(db.unit_of_work(), requests)

    batcher = Batcher(
        flush,
        max_batch=int(os.environ.get("LEADFLOW_BENCH_BATCH_MAX", "100")),
        max_wait_ms=float(os.environ.get("LEADFLOW_BENCH_BATCH_WAIT_MS", "0")),
        max_concurrent_flushes=int(os.environ.get("LEADFLOW_BENCH_BATCH_FLUSHES", "1")),
    )
    intake = Intake(
        settings=settings,
        db=db,
        registry=SourceRegistry(db, configured, refresh_s=settings.sources_refresh_s),
        submit=batcher.submit,
    )
    app.include_router(leads.router(intake))
    app.include_router(admin.router(intake))
    app.include_router(forms.router(intake))
    if os.environ.get("LEADFLOW_BENCH_GC_FREEZE") == "1":
        gc.collect()
        gc.freeze()
    return app


def create_app_from_env() -> FastAPI:
    settings = CaptureSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
