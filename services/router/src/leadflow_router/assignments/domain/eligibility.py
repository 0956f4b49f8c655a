"""Which reps may take a lead now, and why each other rep may not.

A rep's verdict on a lead is ``eligible`` or the first reason they are skipped, checked in
this order. The first four are *filters* (the rep is not one for this lead at all); the
others say the rep is one for it but cannot take it *now*:

- ``inactive``: not active (in the configuration file, or set so through the admin API);
- ``wrong territory``: the lead's country is not theirs;
- ``wrong language``: the rep names languages and the lead's is not among them;
- ``wrong segment``: the rep names segments and the lead's is not among them;
- ``declined before``: they rejected this lead already (routing it again);
- ``out of office``: a period of theirs covers the moment;
- ``outside working hours``: their week has no span at the moment, on their wall clock;
- ``at capacity``: as many open leads as their capacity;
- ``daily cap reached``: as many leads today (in their time zone) as their daily cap.

A lead with no language (or no segment) is not filtered on it: any rep may take it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow_router.reps.domain import RepState

ELIGIBLE = "eligible"
# verdict categories; the first four are filters
INACTIVE = "inactive"
TERRITORY = "territory"
LANGUAGE = "language"
SEGMENT = "segment"
DECLINED = "declined"
AWAY = "out-of-office"
HOURS = "hours"
CAPACITY = "capacity"
DAILY_CAP = "daily-cap"
FILTERS = frozenset({INACTIVE, TERRITORY, LANGUAGE, SEGMENT})
# how a reason names the reps of a category: "at capacity: Ben, Eve"
GROUPS = {
    DECLINED: "declined by ",
    AWAY: "out of office: ",
    HOURS: "outside working hours: ",
    CAPACITY: "at capacity: ",
    DAILY_CAP: "daily cap reached: ",
}


class ClockNeeded(ValueError):
    """Reps with working hours or out-of-office periods were routed without the time."""


@dataclass(frozen=True)
class Verdict:
    rep: RepState
    category: str  # ELIGIBLE or one of the categories above
    text: str  # "eligible" or a short reason: "at capacity 50/50"

    @property
    def eligible(self) -> bool:
        return self.category == ELIGIBLE

    @property
    def matches(self) -> bool:
        """The rep is one for this lead (eligible, or unavailable only for now)."""
        return self.category not in FILTERS


@dataclass(frozen=True)
class Wanted:
    """What a lead asks of a rep."""

    country: str | None
    language: str | None = None
    segment: str | None = None


def _listed(values: Sequence[str], most: int = 6) -> str:
    shown = ", ".join(values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")


def verdict(
    state: RepState,
    wanted: Wanted | None,
    now: datetime | None,
    excluded: Collection[str] = (),
) -> Verdict:
    """``state``'s verdict on a lead wanting ``wanted`` at ``now`` (None: no filters, for the
    rep who has the person's first lead); ``excluded``: the tags (``rep:<id>``) of those who
    declined it. ``now`` None is only for reps with no hours and
    no out-of-office periods (``ClockNeeded`` otherwise)."""
    rep = state.rep

    def no(category: str, text: str) -> Verdict:
        return Verdict(state, category, text)

    if not state.active:
        return no(INACTIVE, "inactive")
    if wanted is None:
        pass
    elif wanted.country not in rep.territories:
        return no(TERRITORY, f"wrong territory (covers {_listed(rep.territories)})")
    elif wanted.language and rep.languages and wanted.language not in rep.languages:
        return no(
            LANGUAGE,
            f"wrong language (speaks {', '.join(rep.languages)}; the lead is in {wanted.language})",
        )
    elif wanted.segment and rep.segments and wanted.segment not in rep.segments:
        return no(
            SEGMENT,
            f"wrong segment (takes {', '.join(rep.segments)}; the lead is {wanted.segment})",
        )
    if f"rep:{rep.id}" in excluded:
        return no(DECLINED, "declined before")
    if now is None:
        if rep.hours is not None or rep.out_of_office or state.away:
            raise ClockNeeded(f"rep {rep.id} has hours or time off: routing needs the time")
    else:
        away = state.out_of_office(now)
        if away is not None:
            note = f" ({away.note})" if away.note else ""
            return no(AWAY, f"out of office until {away.end}{note}")
        if not state.at_work(now):
            assert rep.hours is not None
            return no(HOURS, f"outside working hours ({rep.hours.describe(now)})")
    if not state.has_room:
        return no(CAPACITY, f"at capacity {state.open_leads}/{rep.capacity}")
    if not state.under_daily_cap:
        return no(DAILY_CAP, f"daily cap reached {state.today}/{rep.daily_cap}")
    return Verdict(state, ELIGIBLE, ELIGIBLE)


def grouped(verdicts: Sequence[Verdict]) -> str:
    """The reps who match but cannot take the lead now, by why: ``declined by Ben, Eve;
    at capacity: Gil``."""
    parts = []
    for category, label in GROUPS.items():
        names = [v.rep.rep.name for v in verdicts if v.category == category]
        if names:
            parts.append(label + ", ".join(names))
    return "; ".join(parts)
