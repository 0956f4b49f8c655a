"""reps' HTTP API: reading the reps, and (behind the admin key) setting a rep inactive or
out of office beside the configuration file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from leadflow_router.reps.handlers import list_reps, rep_of, set_rep
from leadflow_router.reps.schemas import OutOfOfficeIn, RepOut, RepStatusIn
from leadflow_shared.admin import admin_router
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW


def router(runtime: Runtime[Any]) -> APIRouter:
    api = APIRouter(tags=["reps"])
    clock = runtime.port("clock", Clock)

    @api.get("/v1/reps")
    async def get_reps(uow: UoW) -> list[RepOut]:
        """Every rep with territories, languages, segments, weight, capacity, daily cap,
        hours, out-of-office periods and round-robin state."""
        now = clock.now()
        return [RepOut.of(state, total, now) for state, total in await list_reps(uow, now)]

    @api.get("/v1/reps/{rep_id}")
    async def get_rep(rep_id: str, uow: UoW) -> RepOut:
        """One rep, as ``GET /v1/reps`` shows them (404 ``unknown_owner``)."""
        now = clock.now()
        return RepOut.of(*await rep_of(uow, rep_id, now), now)

    return api


def admin(runtime: Runtime[Any]) -> APIRouter:
    api = admin_router(runtime.settings.admin_api_key)
    clock = runtime.port("clock", Clock)

    @api.patch("/reps/{rep_id}")
    async def set_active(rep_id: str, body: RepStatusIn, uow: UoW) -> RepOut:
        """Set the rep inactive (``{"active": false}``) or lift it: kept when the
        configuration file is synced."""
        now = clock.now()
        return RepOut.of(*await set_rep(uow, rep_id, now, active=body.active), now)

    @api.put("/reps/{rep_id}/out-of-office")
    async def set_out_of_office(rep_id: str, body: OutOfOfficeIn, uow: UoW) -> RepOut:
        """Replace the rep's out-of-office periods set through the admin API (``[]``
        clears them); the configuration file's stay."""
        now = clock.now()
        return RepOut.of(*await set_rep(uow, rep_id, now, away=body.periods), now)

    return api
