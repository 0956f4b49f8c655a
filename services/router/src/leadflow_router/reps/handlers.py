"""reps' use cases: reading them, and what the admin API sets beside the configuration."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from leadflow_router.errors import UnknownOwner
from leadflow_router.reps.domain import RepState
from leadflow_router.reps.hours import Period
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.uow import UnitOfWork


async def list_reps(uow: UnitOfWork, now: datetime | None = None) -> list[tuple[RepState, int]]:
    async with uow:
        return await RepRepository(uow).all(now)


async def rep_of(uow: UnitOfWork, rep_id: str, now: datetime) -> tuple[RepState, int]:
    """The rep with the number of leads they got so far; ``UnknownOwner`` for none."""
    async with uow:
        found = await RepRepository(uow).one(rep_id, now)
    if found is None:
        raise UnknownOwner(f"no rep {rep_id!r}")
    return found


async def set_rep(
    uow: UnitOfWork,
    rep_id: str,
    now: datetime,
    *,
    active: bool | None = None,
    away: Sequence[Period] | None = None,
) -> tuple[RepState, int]:
    """Set the rep inactive (or lift it) or replace their out-of-office periods set through
    the admin API; both survive the configuration file's sync. ``UnknownOwner`` for none."""
    async with uow:
        reps = RepRepository(uow)
        paused = None if active is None else not active
        if not await reps.set_by_admin(rep_id, paused=paused, away=away):
            raise UnknownOwner(f"no rep {rep_id!r}")
        found = await reps.one(rep_id, now)
        await uow.commit()
    assert found is not None
    return found
