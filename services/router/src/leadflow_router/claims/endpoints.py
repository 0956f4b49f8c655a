"""claims' HTTP API: ``POST /v1/reps/{rep_id}/claim`` (the rep's own key, or the admin's)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from leadflow_router.claims.handlers import claim
from leadflow_router.claims.schemas import ClaimedOut
from leadflow_router.keys.guard import CallerOf, keyed_router
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW


def router(runtime: Runtime[Any]) -> APIRouter:
    api = keyed_router(runtime, tags=["claims"])
    clock = runtime.port("clock", Clock)

    @api.post(
        "/v1/reps/{rep_id}/claim",
        responses={
            404: {"description": "no such rep, or no lead the rep may claim waits"},
            409: {"description": "the rep is at capacity, or not active"},
        },
    )
    async def claim_next(rep_id: str, uow: UoW, caller: CallerOf) -> ClaimedOut:
        """Hand the rep the next lead waiting in the sales queue from their territories: the
        hottest first, then the one waiting longest (never one the rep rejected before).
        Published as a new ``lead.routed`` (its ``attempt`` counted on, ``previous`` the
        queue). The rep's own key or the admin key; refused while the rep is at capacity."""
        return ClaimedOut.claimed(await claim(uow, rep_id, caller, clock.now()))

    return api
