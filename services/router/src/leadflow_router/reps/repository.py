"""reps' queries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadflow_router.assignments.domain.routing import RepTurn
from leadflow_router.assignments.tables import assignments
from leadflow_router.configured import sync_configured
from leadflow_router.reps.domain import Rep, RepState
from leadflow_router.reps.hours import Period
from leadflow_router.reps.tables import reps
from leadflow_shared.uow import UnitOfWork

# A rep's leads today: those assigned to them since midnight in their time zone (their
# hours', else UTC) that are still theirs; counted only for reps with a daily cap and when
# the moment ($1) is given.
_TODAY = f"""
CASE WHEN r.daily_cap IS NULL OR $1::timestamptz IS NULL THEN 0 ELSE (
    SELECT count(*) FROM {assignments.fullname} AS a
    WHERE a.assignee_kind = 'rep' AND a.assignee_id = r.id
      AND a.routed_at >= (
          date_trunc('day', $1::timestamptz AT TIME ZONE coalesce(r.hours->>'tz', 'UTC'))
          AT TIME ZONE coalesce(r.hours->>'tz', 'UTC'))
) END AS today
"""
_COLUMNS = (
    "r.id, r.name, r.territories, r.weight, r.capacity, r.active, r.last_assigned_at, "
    "r.assigned_total, r.credit, r.open_leads, r.languages, r.segments, r.daily_cap, r.hours, "
    "r.out_of_office, r.paused, r.away"
)
_SELECT = f"SELECT {_COLUMNS}, {_TODAY} FROM {reps.fullname} AS r"
_LOCK_ALL = f"{_SELECT} ORDER BY r.id FOR UPDATE OF r"
_LOCK_ONE = f"{_SELECT} WHERE r.id = $2 FOR UPDATE OF r"
_ALL = f"{_SELECT} ORDER BY r.id"
_ONE = f"{_SELECT} WHERE r.id = $2"
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
_SET = f"""
UPDATE {reps.fullname} SET paused = coalesce($2, paused), away = coalesce($3::json, away)
WHERE id = $1
"""


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _state(row: Any) -> RepState:
    rep = Rep(
        id=row["id"],
        name=row["name"],
        territories=tuple(row["territories"]),
        weight=row["weight"],
        capacity=row["capacity"],
        active=row["active"],
        languages=tuple(row["languages"]),
        segments=tuple(row["segments"]),
        daily_cap=row["daily_cap"],
        hours=_json(row["hours"]),
        out_of_office=_json(row["out_of_office"]),
    )
    return RepState(
        rep=rep,
        last_assigned_at=row["last_assigned_at"],
        credit=row["credit"],
        open_leads=row["open_leads"],
        today=row["today"],
        paused=row["paused"],
        away=tuple(Period.model_validate(p) for p in _json(row["away"])),
    )


class RepRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def sync(self, configured: Sequence[Rep]) -> None:
        await sync_configured(self.uow.session, reps, configured)

    async def lock_all(self, now: datetime | None = None) -> list[RepState]:
        """Every rep, locked for this transaction so that round robin stays fair; with
        ``now``, each rep's leads of the day (for their daily cap)."""
        return [_state(r) for r in await (await self.uow.driver()).fetch(_LOCK_ALL, now)]

    async def lock_one(self, rep_id: str, now: datetime | None = None) -> RepState | None:
        """The rep, locked for this transaction (their open leads and capacity hold)."""
        row = await (await self.uow.driver()).fetchrow(_LOCK_ONE, now, rep_id)
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

    async def all(self, now: datetime | None = None) -> list[tuple[RepState, int]]:
        """Every rep with the number of leads they got so far."""
        rows = await (await self.uow.driver()).fetch(_ALL, now)
        return [(_state(r), r["assigned_total"]) for r in rows]

    async def one(self, rep_id: str, now: datetime | None = None) -> tuple[RepState, int] | None:
        row = await (await self.uow.driver()).fetchrow(_ONE, now, rep_id)
        return None if row is None else (_state(row), row["assigned_total"])

    async def set_by_admin(
        self, rep_id: str, *, paused: bool | None = None, away: Sequence[Period] | None = None
    ) -> bool:
        """Set what the admin API keeps beside the configuration; False: no such rep."""
        periods = None if away is None else json.dumps([p.model_dump(mode="json") for p in away])
        done = await (await self.uow.driver()).execute(_SET, rep_id, paused, periods)
        return done != "UPDATE 0"
