"""router's HTTP API: operations routes, reps, partners and a lead's assignment."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from leadflow_router import SERVICE
from leadflow_router.repository import RouterRepository
from leadflow_router.settings import RouterSettings
from leadflow_shared.errors import NotFound
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging


def create_app(settings: RouterSettings) -> FastAPI:
    app, db = create_service_app(
        service=SERVICE,
        description="Distributes scored leads to sales reps, partner resellers or nurture.",
        settings=settings,
    )

    @app.get("/v1/reps", tags=["reps"])
    async def list_reps() -> list[dict[str, Any]]:
        """Every rep with territories, weight, capacity and round-robin state."""
        async with db.unit_of_work() as uow:
            return [dict(r._mapping) for r in await RouterRepository(uow.session).rep_rows()]

    @app.get("/v1/partners", tags=["partners"])
    async def list_partners() -> list[dict[str, Any]]:
        """Every partner reseller and its territories."""
        async with db.unit_of_work() as uow:
            return [dict(r._mapping) for r in await RouterRepository(uow.session).partner_rows()]

    @app.get("/v1/leads/{lead_id}/assignment", tags=["leads"])
    async def get_assignment(lead_id: uuid.UUID) -> dict[str, Any]:
        """Where a lead was routed, by which rule and why."""
        async with db.unit_of_work() as uow:
            row = await RouterRepository(uow.session).assignment(lead_id)
        if row is None:
            raise NotFound(f"lead {lead_id} has not been routed")
        return dict(row._mapping)

    return app


def create_app_from_env() -> FastAPI:
    settings = RouterSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
