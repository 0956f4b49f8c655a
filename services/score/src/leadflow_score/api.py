"""score's HTTP API: operations routes and a read of one lead's score."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from leadflow_score import SERVICE
from leadflow_score.repository import ScoreRepository
from leadflow_score.settings import ScoreSettings
from leadflow_shared.errors import NotFound
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging


def create_app(settings: ScoreSettings) -> FastAPI:
    app, db = create_service_app(
        service=SERVICE,
        description="Scores verified leads: temperature, lifecycle status and why.",
        settings=settings,
    )

    @app.get("/v1/leads/{lead_id}/score", tags=["leads"])
    async def get_score(lead_id: uuid.UUID) -> dict[str, Any]:
        """A lead's score, temperature, status and the rules that gave them."""
        async with db.unit_of_work() as uow:
            row = await ScoreRepository(uow.session).get(lead_id)
        if row is None:
            raise NotFound(f"no score for lead {lead_id}")
        return dict(row._mapping)

    return app


def create_app_from_env() -> FastAPI:
    settings = ScoreSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
