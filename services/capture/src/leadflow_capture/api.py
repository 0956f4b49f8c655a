"""capture's composition root: settings in, a FastAPI app out."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_capture import SERVICE
from leadflow_capture.batching import Batcher
from leadflow_capture.domain.sources import CaptureConfig
from leadflow_capture.handlers import CaptureRequest, Outcome, capture_leads
from leadflow_capture.intake import Intake
from leadflow_capture.registry import SourceRegistry
from leadflow_capture.routes import admin, forms, leads
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.asgi import DirectRoutes
from leadflow_shared.config import load_config
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging
from leadflow_shared.retry import is_transient


def create_app(settings: CaptureSettings) -> DirectRoutes:
    configured = load_config(settings.config_file, CaptureConfig).sources
    batcher: Batcher[CaptureRequest, Outcome]

    async def close_batcher() -> None:
        await batcher.close()

    app, db = create_service_app(
        service=SERVICE,
        description="Receives landing-page forms and JSON webhooks; every lead is stored "
        "before it is acknowledged.",
        settings=settings,
        on_shutdown=[close_batcher],
    )

    async def flush(requests: list[CaptureRequest]) -> Sequence[Outcome | BaseException]:
        """One transaction for every waiting request; if it fails for a reason other than
        the database being away, each request is tried alone so that one bad request
        cannot fail the others."""
        try:
            return await capture_leads(db, requests)
        except Exception as exc:
            if len(requests) == 1 or is_transient(exc):
                raise
        alone: list[Outcome | BaseException] = []
        for request in requests:
            try:
                alone.extend(await capture_leads(db, [request]))
            except Exception as exc:
                alone.append(exc)
        return alone

    batcher = Batcher(
        flush,
        max_batch=settings.commit_batch_max,
        max_wait_ms=settings.commit_batch_wait_ms,
        max_concurrent_flushes=settings.commit_flushes,
    )
    intake = Intake(
        settings=settings,
        db=db,
        registry=SourceRegistry(db, configured, refresh_s=settings.sources_refresh_s),
        submit=batcher.submit,
    )
    app.include_router(admin.router(intake))
    app.include_router(forms.router(intake))
    leads.document(app)
    return DirectRoutes(app, {("POST", leads.PATH): leads.PostLead(intake)})


def create_app_from_env() -> DirectRoutes:
    settings = CaptureSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
