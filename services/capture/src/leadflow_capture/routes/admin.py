"""The sources admin API, behind ``Authorization: Bearer <LEADFLOW_ADMIN_API_KEY>``."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from leadflow_capture.domain.sources import Source
from leadflow_capture.handlers import delete_source, put_source
from leadflow_capture.intake import Intake, invalid
from leadflow_shared.errors import Forbidden, NotFound, Unauthorized


class SourceIn(BaseModel):
    """A source definition; its id comes from the URL."""

    model_config = ConfigDict(extra="allow")


def router(intake: Intake) -> APIRouter:
    key = intake.settings.admin_api_key

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        if key is None:
            raise Forbidden(
                "the admin API is disabled: set LEADFLOW_ADMIN_API_KEY", code="admin_disabled"
            )
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.encode(), key.get_secret_value().encode()
        ):
            raise Unauthorized("a valid admin API key is required (Authorization: Bearer …)")

    api = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(authorised)])

    def shown(source: Source, managed_by: str) -> dict[str, Any]:
        return {**source.public(), "managed_by": managed_by}

    @api.get("/sources")
    async def list_all() -> list[dict[str, Any]]:
        """Every source, from the config file and from this API (secrets are never shown)."""
        return [shown(s, m) for s, m in await intake.registry.all()]

    @api.get("/sources/{source_id}")
    async def get_one(source_id: str) -> dict[str, Any]:
        for source, managed_by in await intake.registry.all():
            if source.id == source_id:
                return shown(source, managed_by)
        raise NotFound(f"no source {source_id!r}")

    @api.put(
        "/sources/{source_id}",
        responses={
            201: {"description": "created"},
            409: {"description": "defined in the config file"},
        },
    )
    async def put_one(source_id: str, body: SourceIn, response: Response) -> dict[str, Any]:
        """Create or replace a source. Sources from the config file cannot be changed here."""
        fields = {**(body.model_extra or {}), "id": source_id}
        try:
            source = Source.model_validate(fields)
        except ValidationError as exc:
            raise invalid(exc, "the source") from None
        created = await put_source(intake.db.unit_of_work(), source)
        intake.registry.invalidate()
        response.status_code = 201 if created else 200
        return shown(source, "api")

    @api.delete("/sources/{source_id}", status_code=204)
    async def delete_one(source_id: str) -> Response:
        await delete_source(intake.db.unit_of_work(), source_id)
        intake.registry.invalidate()
        return Response(status_code=204)

    return api
