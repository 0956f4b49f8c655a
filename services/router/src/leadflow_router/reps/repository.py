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

# Each capped rep's leads today: those assigned to them since midnight in their time zone
# (their hours', else UTC) that are still theirs. Read in a statement of its own after the
# reps are locked, so that it sees every assignment committed before the lock was had.
_TODAY = f"""
SELECT r.id, count(a.lead_id) AS today
FROM {reps.fullname} AS r
JOIN {assignments.fullname} AS a
  ON a.assignee_kind = 'rep' AND a.assignee_id = r.id
 AND a.routed_at >= (date_trunc('day', $1::timestamptz AT TIME ZONE coalesce(r.hours->>'tz', 'UTC'))
                     AT TIME ZONE coalesce(r.hours->>'tz', 'UTC'))
WHERE r.daily_cap IS NOT NULL AND r.id = ANY($2::text[])
GROUP BY r.id
"""
_COLUMNS = (
    "id, name, territories, weight, capacity, active, last_assigned_at, assigned_total, credit, "
    "open_leads, languages, segments, daily_cap, hours, out_of_office, paused, away"
)
_SELECT = f"SELECT {_COLUMNS} FROM {reps.fullname}"
_LOCK_ALL = f"{_SELECT} ORDER BY id FOR UPDATE"
_LOCK_ONE = f"{_SELECT} WHERE id = $1 FOR UPDATE"
_ALL = f"{_SELECT} ORDER BY id"
_ONE = f"{_SELECT} WHERE id = $1"
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


def _state(row: Any, today: Mapping[str, int]) -> RepState:
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
        today=today.get(row["id"], 0),
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
        ``now``, each capped rep's leads of the day."""
        return [state for state, _ in await self._read(_LOCK_ALL, now)]

    async def lock_one(self, rep_id: str, now: datetime | None = None) -> RepState | None:
        """The rep, locked for this transaction (their open leads and capacity hold)."""
        found = await self._read(_LOCK_ONE, now, rep_id)
        return found[0][0] if found else None

    async def _read(self, sql: str, now: datetime | None, *args: Any) -> list[tuple[RepState, int]]:
        """The reps ``sql`` reads, each with the leads they got so far; then, in a
        statement of its own, the capped ones' leads of the day at ``now``."""
        driver = await self.uow.driver()
        rows = await driver.fetch(sql, *args)
        capped = [r["id"] for r in rows if r["daily_cap"] is not None]
        today: dict[str, int] = {}
        if now is not None and capped:
            today = dict(await driver.fetch(_TODAY, now, capped))
        return [(_state(r, today), r["assigned_total"]) for r in rows]

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
        return await self._read(_ALL, now)

    async def one(self, rep_id: str, now: datetime | None = None) -> tuple[RepState, int] | None:
        found = await self._read(_ONE, now, rep_id)
        return found[0] if found else None

    async def set_by_admin(
        self, rep_id: str, *, paused: bool | None = None, away: Sequence[Period] | None = None
    ) -> bool:
        """Set what the admin API keeps beside the configuration; False: no such rep."""
        periods = None if away is None else json.dumps([p.model_dump(mode="json") for p in away])
        done = await (await self.uow.driver()).execute(_SET, rep_id, paused, periods)
        return done != "UPDATE 0"
