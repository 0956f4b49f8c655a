"""reps' HTTP API."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow_router.reps.handlers import list_reps
from leadflow_router.reps.schemas import RepOut
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["reps"])


@router.get("/v1/reps")
async def get_reps(uow: UoW) -> list[RepOut]:
    """Every rep with territories, weight, capacity and round-robin state."""
    return [RepOut.of(state, total) for state, total in await list_reps(uow)]
