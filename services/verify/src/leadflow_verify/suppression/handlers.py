"""suppression's use cases: keeping the list (admin commands)."""

from __future__ import annotations

from leadflow_shared.uow import UnitOfWork
from leadflow_verify.suppression.domain import Kind, normalise
from leadflow_verify.suppression.repository import Suppression, SuppressionRepository


async def suppress(
    uow: UnitOfWork, kind: Kind, value: str, reason: str | None
) -> tuple[Suppression, bool]:
    """Put an entry on the list (its value washed first); whether it is new."""
    async with uow:
        entry = await SuppressionRepository(uow).put(kind, normalise(kind, value), reason)
        await uow.commit()
        return entry


async def unsuppress(uow: UnitOfWork, kind: Kind, value: str) -> bool:
    async with uow:
        removed = await SuppressionRepository(uow).delete(kind, normalise(kind, value))
        await uow.commit()
        return removed


async def suppressions(uow: UnitOfWork) -> list[Suppression]:
    async with uow:
        return await SuppressionRepository(uow).all()
