"""A sales rep, and a rep as routing sees it now."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadflow_router import territories as codes
from leadflow_router.reps.hours import Period, WorkingHours
from leadflow_router.territories import ID_PATTERN

UTC_ZONE = ZoneInfo("UTC")


class Rep(BaseModel):
    """A rep as the configuration file gives them. ``languages`` and ``segments`` empty:
    any; ``hours`` None: always at work; ``daily_cap`` None: no cap beyond ``capacity``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str
    territories: tuple[str, ...]
    weight: int = Field(default=1, ge=1)
    capacity: int = Field(default=50, ge=1)  # most open leads at a time
    active: bool = True
    languages: tuple[str, ...] = ()  # ISO 639-1 codes: "en", "da"
    segments: tuple[str, ...] = ()  # names of routing's segments: "enterprise"
    daily_cap: int | None = Field(default=None, ge=1)  # most leads a day, in the rep's zone
    hours: WorkingHours | None = None
    out_of_office: tuple[Period, ...] = ()

    _territories = field_validator("territories")(codes.countries)
    _languages = field_validator("languages")(codes.languages)
    _segments = field_validator("segments")(codes.segment_names)

    @property
    def zone(self) -> ZoneInfo:
        """The rep's time zone (their hours'; UTC without hours): their day starts at
        midnight there."""
        return self.hours.zone if self.hours is not None else UTC_ZONE


class RepState(BaseModel):
    """A rep as routing sees it now: the configuration, when they last got a lead, their
    credit in the weighted rotation (see ``assignments.domain.routing``), what the admin API
    set beside the configuration (``paused``, ``away``), and their leads."""

    model_config = ConfigDict(frozen=True)

    rep: Rep
    last_assigned_at: datetime | None = None
    credit: int = 0
    open_leads: int = 0  # assigned and not closed by feedback (converted, junk, dead, rejected)
    today: int = 0  # leads assigned to them since midnight in their zone, still theirs
    paused: bool = False  # set inactive through the admin API
    away: tuple[Period, ...] = ()  # out of office, set through the admin API

    @property
    def active(self) -> bool:
        return self.rep.active and not self.paused

    @property
    def has_room(self) -> bool:
        """Fewer open leads than the rep's capacity."""
        return self.open_leads < self.rep.capacity

    @property
    def under_daily_cap(self) -> bool:
        return self.rep.daily_cap is None or self.today < self.rep.daily_cap

    def out_of_office(self, now: datetime) -> Period | None:
        """The out-of-office period ``now`` falls in (the configuration's or the API's)."""
        zone = self.rep.zone
        return next((p for p in (*self.rep.out_of_office, *self.away) if p.covers(now, zone)), None)

    def at_work(self, now: datetime) -> bool:
        return self.rep.hours is None or self.rep.hours.at_work(now)
