"""verify's HTTP API: operations routes and a read of one lead's verification."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from leadflow_shared.errors import NotFound
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging
from leadflow_verify import SERVICE
from leadflow_verify.repository import VerificationRepository
from leadflow_verify.settings import VerifySettings


def create_app(settings: VerifySettings) -> FastAPI:
    app, db = create_service_app(
        service=SERVICE,
        description="Checks identity and contact details of captured leads and washes them.",
        settings=settings,
    )

    @app.get("/v1/leads/{lead_id}/verification", tags=["leads"])
    async def get_verification(lead_id: uuid.UUID) -> dict[str, Any]:
        """The checks run on a lead, with their evidence, and the verdict."""
        async with db.unit_of_work() as uow:
            row = await VerificationRepository(uow.session).get(lead_id)
        if row is None:
            raise NotFound(f"no verification for lead {lead_id}")
        return dict(row._mapping)

    return app


def create_app_from_env() -> FastAPI:
    settings = VerifySettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
