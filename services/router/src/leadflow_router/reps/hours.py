"""When a rep works: weekly hours in their own time zone, and the periods they are out of
office. Plain data, read from the configuration file or the admin API.

    hours: {tz: Europe/Copenhagen, mon-fri: "09:00-17:00", sat: "10:00-12:00"}
    out_of_office:
      - {start: 2026-12-24, end: 2027-01-01, note: Christmas}   # whole days, inclusive
      - {start: "2026-12-10T13:00", end: "2026-12-10T17:00"}    # the rep's local time

A day (``mon`` … ``sun``), a range of days (``mon-fri``) or a list (``"mon,wed"``) maps to
one or more spans (``"09:00-12:00, 13:00-17:00"``); ``24:00`` ends a span at midnight. Days
not named are days off. Times are wall-clock times in ``tz`` (an IANA name), so a rep's
hours follow their daylight saving time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
END_OF_DAY = time.max


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; a ValueError names a wrong one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"not an IANA time zone: {name!r} (e.g. Europe/Copenhagen)") from exc


def _days(spec: str) -> list[int]:
    """``mon-fri`` → [0..4]; ``mon,wed`` → [0, 2]; ``sat`` → [5]."""
    found: list[int] = []
    for part in spec.replace(" ", "").lower().split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"not a day or range of days: {spec!r} (mon … sun, mon-fri)")
        a, b = DAYS.index(first), DAYS.index(last or first)
        if b < a:
            raise ValueError(f"a range of days runs forward within the week: {spec!r}")
        found.extend(range(a, b + 1))
    return found


def _clock(hour: str, minute: str, spec: str) -> time:
    h, m = int(hour), int(minute)
    if (h, m) == (24, 0):
        return END_OF_DAY
    if h > 23 or m > 59:
        raise ValueError(f"not a time of day in {spec!r}")
    return time(h, m)


def _spans(spec: str | list[str]) -> list[tuple[time, time]]:
    """``"09:00-12:00, 13:00-17:00"`` → two spans, each start before its end."""
    parts = spec if isinstance(spec, list) else spec.split(",")
    spans = []
    for part in (p.strip() for p in parts):
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"not a span of hours: {part!r} (e.g. 09:00-17:00)")
        start = _clock(match[1], match[2], part)
        end = _clock(match[3], match[4], part)
        if start >= end:
            raise ValueError(
                f"a span ends after it starts: {part!r} (a night shift is two spans, "
                "one each side of midnight)"
            )
        spans.append((start, end))
    return spans


class WorkingHours(BaseModel):
    """A rep's week: ``days`` maps days to spans, as written; read in ``tz``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tz: str
    days: dict[str, str | list[str]] = Field(default_factory=dict)
    _week: dict[int, tuple[tuple[time, time], ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, given: Any) -> Any:
        """``{tz: …, mon-fri: "09:00-17:00"}``: every key but ``tz`` names days."""
        if isinstance(given, dict) and "days" not in given:
            return {"tz": given.get("tz"), "days": {k: v for k, v in given.items() if k != "tz"}}
        return given

    @model_validator(mode="after")
    def _parsed(self) -> WorkingHours:
        zone(self.tz)
        week: dict[int, list[tuple[time, time]]] = {}
        for spec, spans in self.days.items():
            for day in _days(spec):
                week.setdefault(day, []).extend(_spans(spans))
        self._week = {day: tuple(sorted(spans)) for day, spans in week.items()}
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.zone)

    def at_work(self, now: datetime) -> bool:
        """Whether ``now`` (aware) falls in one of the rep's spans, on their wall clock."""
        here = self.local(now)
        moment = here.time().replace(tzinfo=None)
        return any(
            start <= moment < end or (end == END_OF_DAY and moment >= start)
            for start, end in self._week.get(here.weekday(), ())
        )

    def describe(self, now: datetime) -> str:
        """The rep's wall clock at ``now``: ``Sat 10:30 Europe/Copenhagen``."""
        here = self.local(now)
        return f"{DAYS[here.weekday()].title()} {here:%H:%M} {self.tz}"


class Period(BaseModel):
    """Out of office from ``start`` to ``end``: whole days (dates, both inclusive) or
    moments (datetimes; without an offset, the rep's local time)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date | datetime
    end: date | datetime
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if _as_datetime(self.start, False, None) >= _as_datetime(self.end, True, None):
            raise ValueError(f"an out-of-office period ends after it starts: {self.start}")
        return self

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes, ``end`` exclusive, in ``tz``."""
        return _as_datetime(self.start, False, tz), _as_datetime(self.end, True, tz)

    def covers(self, now: datetime, tz: ZoneInfo) -> bool:
        start, end = self.bounds(tz)
        return start <= now < end


def _as_datetime(value: datetime | date, end: bool, tz: ZoneInfo | None) -> datetime:
    """A date as the start of that day (or of the next, for an end); naive values in
    ``tz`` (None: compared as naive, for validation alone)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1) if end else value, time())
    if tz is None:
        return value.replace(tzinfo=None)
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Midnight of ``now``'s day on the wall clock of ``tz`` (aware)."""
    here = now.astimezone(tz)
    return datetime.combine(here.date(), time(), tzinfo=tz)
