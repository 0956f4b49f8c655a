"""reps' use cases."""

from __future__ import annotations

from leadflow_router.reps.domain import RepState
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.uow import UnitOfWork


async def list_reps(uow: UnitOfWork) -> list[tuple[RepState, int]]:
    async with uow:
        return await RepRepository(uow).all()
