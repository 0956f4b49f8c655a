"""reps' queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_router.assignments.domain.routing import RepTurn
from leadflow_router.configured import sync_configured
from leadflow_router.reps.domain import Rep, RepState
from leadflow_router.reps.tables import reps

_TAKE_TURNS = sa.text(
    f"""
    UPDATE {reps.fullname} AS r
    SET last_assigned_at = t.last_assigned_at, assigned_total = r.assigned_total + t.leads
    FROM unnest(CAST(:id AS text[]), CAST(:leads AS bigint[]),
                CAST(:last_assigned_at AS timestamptz[])) AS t(id, leads, last_assigned_at)
    WHERE r.id = t.id
    """
)


def _state(row: Any) -> RepState:
    rep = Rep(
        id=row.id,
        name=row.name,
        territories=tuple(row.territories),
        weight=row.weight,
        capacity=row.capacity,
        active=row.active,
    )
    return RepState(rep=rep, last_assigned_at=row.last_assigned_at)


class RepRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sync(self, configured: Sequence[Rep]) -> None:
        await sync_configured(self.session, reps, configured)

    async def lock_all(self) -> list[RepState]:
        """Every rep, locked for this transaction so that round robin stays fair."""
        stmt = sa.select(reps).order_by(reps.c.id).with_for_update()
        return [_state(r) for r in (await self.session.execute(stmt)).all()]

    async def take_turns(self, turns: Mapping[str, RepTurn]) -> None:
        """Record the leads each rep got in a batch (one statement)."""
        if turns:
            await self.session.execute(
                _TAKE_TURNS,
                {
                    "id": list(turns),
                    "leads": [t.leads for t in turns.values()],
                    "last_assigned_at": [t.last_assigned_at for t in turns.values()],
                },
            )

    async def all(self) -> list[tuple[RepState, int]]:
        """Every rep with the number of leads they got so far."""
        rows = (await self.session.execute(sa.select(reps).order_by(reps.c.id))).all()
        return [(_state(r), r.assigned_total) for r in rows]
