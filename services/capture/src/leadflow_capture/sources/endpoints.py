"""The sources admin API, behind ``Authorization: Bearer <LEADFLOW_ADMIN_API_KEY>``."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import ValidationError

from leadflow_capture.settings import CaptureSettings
from leadflow_capture.sources.domain import Source
from leadflow_capture.sources.handlers import delete_source, put_source
from leadflow_capture.sources.registry import SourceRegistry
from leadflow_capture.sources.schemas import SourceIn, SourceOut
from leadflow_shared.admin import admin_router
from leadflow_shared.errors import NotFound
from leadflow_shared.http import unprocessable
from leadflow_shared.service import Runtime


def router(runtime: Runtime[CaptureSettings], registry: SourceRegistry) -> APIRouter:
    api = admin_router(runtime.settings.admin_api_key)

    @api.get("/sources")
    async def list_all() -> list[SourceOut]:
        """Every source, from the config file and from this API (secrets are never shown)."""
        return [SourceOut.of(s, m) for s, m in await registry.all()]

    @api.get("/sources/{source_id}")
    async def get_one(source_id: str) -> SourceOut:
        for source, managed_by in await registry.all():
            if source.id == source_id:
                return SourceOut.of(source, managed_by)
        raise NotFound(f"no source {source_id!r}")

    @api.put(
        "/sources/{source_id}",
        responses={
            201: {"description": "created"},
            409: {"description": "defined in the config file"},
        },
    )
    async def put_one(source_id: str, body: SourceIn, response: Response) -> SourceOut:
        """Create or replace a source. Sources from the config file cannot be changed here."""
        fields = {**(body.model_extra or {}), "id": source_id}
        try:
            source = Source.model_validate(fields)
        except ValidationError as exc:
            raise unprocessable(exc, "the source") from None
        created = await put_source(runtime.unit_of_work(), source)
        registry.invalidate()
        response.status_code = 201 if created else 200
        return SourceOut.of(source, "api")

    @api.delete("/sources/{source_id}", status_code=204)
    async def delete_one(source_id: str) -> Response:
        await delete_source(runtime.unit_of_work(), source_id)
        registry.invalidate()
        return Response(status_code=204)

    return api
