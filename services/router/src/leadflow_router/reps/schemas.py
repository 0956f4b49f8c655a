"""How reps' API shows a rep, and what its admin API takes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from leadflow_router.reps.domain import RepState
from leadflow_router.reps.hours import Period, WorkingHours


class RepOut(BaseModel):
    id: str
    name: str
    territories: list[str]
    weight: int
    capacity: int
    active: bool  # the configuration's flag, and not set inactive through the admin API
    last_assigned_at: datetime | None
    assigned_total: int
    open_leads: int  # assigned and not closed by feedback: at most the capacity
    languages: list[str]
    segments: list[str]
    daily_cap: int | None
    leads_today: int  # counted when the rep has a daily cap (0 otherwise)
    hours: WorkingHours | None
    out_of_office: list[Period]  # the configuration's and the admin API's
    paused: bool  # set inactive through the admin API
    at_work: bool  # within their working hours now
    away_now: Period | None  # the out-of-office period now, if any

    @classmethod
    def of(cls, state: RepState, assigned_total: int, now: datetime) -> RepOut:
        rep = state.rep
        return cls(
            id=rep.id,
            name=rep.name,
            territories=list(rep.territories),
            weight=rep.weight,
            capacity=rep.capacity,
            active=state.active,
            last_assigned_at=state.last_assigned_at,
            assigned_total=assigned_total,
            open_leads=state.open_leads,
            languages=list(rep.languages),
            segments=list(rep.segments),
            daily_cap=rep.daily_cap,
            leads_today=state.today,
            hours=rep.hours,
            out_of_office=[*rep.out_of_office, *state.away],
            paused=state.paused,
            at_work=state.at_work(now),
            away_now=state.out_of_office(now),
        )


class RepStatusIn(BaseModel):
    """``active``: false sets the rep inactive (they get no leads and claim none), true
    lifts it (a rep inactive in the configuration file stays inactive)."""

    model_config = ConfigDict(extra="forbid")

    active: bool


class OutOfOfficeIn(BaseModel):
    """The rep's out-of-office periods set through the admin API (they replace the ones
    set before; the configuration file's stay)."""

    model_config = ConfigDict(extra="forbid")

    periods: list[Period]
