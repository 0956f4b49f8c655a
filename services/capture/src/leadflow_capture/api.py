"""capture's composition root: settings in, a FastAPI app out."""

from __future__ import annotations

from fastapi import FastAPI

from leadflow_capture import SERVICE
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
        service=SERVICE,
        description="Receives landing-page forms and JSON webhooks; every lead is stored "
        "before it is acknowledged.",
        settings=settings,
    )

    async def submit(request: CaptureRequest) -> Outcome:
        (outcome,) = await capture_leads(db.unit_of_work(), [request])
        return outcome

    intake = Intake(
        settings=settings,
        db=db,
        registry=SourceRegistry(db, configured, refresh_s=settings.sources_refresh_s),
        submit=submit,
    )
    app.include_router(leads.router(intake))
    app.include_router(admin.router(intake))
    app.include_router(forms.router(intake))
    return app


def create_app_from_env() -> FastAPI:
    settings = CaptureSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
