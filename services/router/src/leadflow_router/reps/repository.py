"""reps' queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from leadflow_router.assignments.domain.routing import RepTurn
from leadflow_router.configured import sync_configured
from leadflow_router.reps.domain import Rep, RepState
from leadflow_router.reps.tables import reps
from leadflow_shared.uow import UnitOfWork

_COLUMNS = (
    "id, name, territories, weight, capacity, active, last_assigned_at, assigned_total, credit, "
    "open_leads"
)
_LOCK_ALL = f"SELECT {_COLUMNS} FROM {reps.fullname} ORDER BY id FOR UPDATE"
_LOCK_ONE = f"SELECT {_COLUMNS} FROM {reps.fullname} WHERE id = $1 FOR UPDATE"
_TAKE_TURNS = f"""
    UPDATE {reps.fullname} AS r
    SET last_assigned_at = coalesce(t.last_assigned_at, r.last_assigned_at),
        assigned_total = r.assigned_total + t.leads,
        open_leads = r.open_leads + t.leads,
        credit = coalesce(t.credit, r.credit)
    FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::bigint[])
        AS t(id, leads, last_assigned_at, credit)
    WHERE r.id = t.id
"""


def _state(row: Any) -> RepState:
    rep = Rep(
        id=row["id"],
        name=row["name"],
        territories=tuple(row["territories"]),
        weight=row["weight"],
        capacity=row["capacity"],
        active=row["active"],
    )
    return RepState(
        rep=rep,
        last_assigned_at=row["last_assigned_at"],
        credit=row["credit"],
        open_leads=row["open_leads"],
    )


class RepRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def sync(self, configured: Sequence[Rep]) -> None:
        await sync_configured(self.uow.session, reps, configured)

    async def lock_all(self) -> list[RepState]:
        """Every rep, locked for this transaction so that round robin stays fair."""
        return [_state(r) for r in await (await self.uow.driver()).fetch(_LOCK_ALL)]

    async def lock_one(self, rep_id: str) -> RepState | None:
        """The rep, locked for this transaction (their open leads and capacity hold)."""
        row = await (await self.uow.driver()).fetchrow(_LOCK_ONE, rep_id)
        return None if row is None else _state(row)

    async def take_turns(self, turns: Mapping[str, RepTurn]) -> None:
        """Record the leads each rep got in a batch and the rotation's credits (one
        statement)."""
        if turns:
            await (await self.uow.driver()).execute(
                _TAKE_TURNS,
                list(turns),
                [t.leads for t in turns.values()],
                [t.last_assigned_at for t in turns.values()],
                [t.credit for t in turns.values()],
            )

    async def close_one(self, rep_id: str) -> None:
        """One of the rep's open leads was closed (converted, junk, dead, rejected)."""
        await self.uow.session.execute(
            sa.update(reps)
            .where(reps.c.id == rep_id, reps.c.open_leads > 0)
            .values(open_leads=reps.c.open_leads - 1)
        )

    async def all(self) -> list[tuple[RepState, int]]:
        """Every rep with the number of leads they got so far."""
        rows = (await self.uow.session.execute(sa.select(reps).order_by(reps.c.id))).all()
        return [(_state(r._mapping), r.assigned_total) for r in rows]
