"""The suppression list's admin API, behind the admin key:
``/v1/admin/suppressions/{kind}/{value}`` with kind ``email``, ``domain`` or ``phone``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from leadflow_shared.admin import admin_router
from leadflow_shared.errors import NotFound, Unprocessable
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW
from leadflow_verify.suppression.domain import InvalidEntry, Kind
from leadflow_verify.suppression.handlers import suppress, suppressions, unsuppress
from leadflow_verify.suppression.schemas import SuppressionIn, SuppressionOut


def router(runtime: Runtime[Any]) -> APIRouter:
    api = admin_router(runtime.settings.admin_api_key)

    @api.get("/suppressions")
    async def list_all(uow: UoW) -> list[SuppressionOut]:
        """Every entry of the do-not-contact list."""
        return [SuppressionOut.of(e) for e in await suppressions(uow)]

    @api.put("/suppressions/{kind}/{value}", responses={201: {"description": "added"}})
    async def put_one(
        kind: Kind, value: str, body: SuppressionIn, uow: UoW, response: Response
    ) -> SuppressionOut:
        """Put an address, a whole domain or a phone number on the list: leads that match
        it from now on are rejected as ``suppressed``, and nothing about them leaves verify."""
        try:
            entry, created = await suppress(uow, kind, value, body.reason)
        except InvalidEntry as exc:
            raise Unprocessable(
                str(exc), details=[{"field": "value", "message": str(exc)}]
            ) from None
        response.status_code = 201 if created else 200
        return SuppressionOut.of(entry)

    @api.delete("/suppressions/{kind}/{value}", status_code=204)
    async def delete_one(kind: Kind, value: str, uow: UoW) -> Response:
        try:
            removed = await unsuppress(uow, kind, value)
        except InvalidEntry as exc:
            raise Unprocessable(
                str(exc), details=[{"field": "value", "message": str(exc)}]
            ) from None
        if not removed:
            raise NotFound(f"{kind} {value!r} is not on the list")
        return Response(status_code=204)

    return api
