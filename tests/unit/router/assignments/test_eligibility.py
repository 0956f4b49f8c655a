"""Each rule of a rep's eligibility, and the reasons a decision gives for every rep it
skipped, on a fake clock (each test names its moment)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from leadflow_router.assignments.domain.eligibility import ClockNeeded, Wanted, verdict
from leadflow_router.assignments.domain.rerouting import Rejection, reroute
from leadflow_router.assignments.domain.routing import Decision, RoutingInput, route, route_all
from leadflow_router.reps.domain import Rep, RepState
from leadflow_router.reps.hours import Period

# Wednesday 2 December 2026, 10:00 in Copenhagen (UTC+1), 04:00 in New York
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
OFFICE = {"tz": "Europe/Copenhagen", "mon-fri": "09:00-17:00"}
NY_OFFICE = {"tz": "America/New_York", "mon-fri": "09:00-17:00"}


def state(rep_id: str, *countries: str, **given: Any) -> RepState:
    known = {"last_assigned_at", "credit", "open_leads", "today", "paused", "away"}
    rep = Rep(
        id=rep_id,
        name=rep_id.removeprefix("rep-").title(),
        territories=countries or ("US",),
        **{k: v for k, v in given.items() if k not in known},
    )
    return RepState(rep=rep, **{k: v for k, v in given.items() if k in known})


def hot(country: str = "US", **more: Any) -> RoutingInput:
    return RoutingInput(country, "hot", "sql", **more)


def test_every_skipped_rep_is_named_with_why() -> None:
    reps = [
        state("rep-ana", "US", active=False),
        state("rep-ben", "DK", "SE"),
        state("rep-cy", "US", languages=("es",)),
        state("rep-dee", "US", segments=("enterprise",)),
        state(
            "rep-eve",
            "US",
            out_of_office=(Period(start=date(2026, 12, 1), end=date(2026, 12, 4), note="leave"),),
        ),
        state("rep-fay", "US", hours=NY_OFFICE),
        state("rep-gil", "US", capacity=2, open_leads=2),
        state("rep-hal", "US", daily_cap=3, today=3),
        state("rep-ivy", "US", hours=OFFICE, languages=("en", "da")),
    ]
    decision = route(hot(language="en", segment="smb"), reps, [], now=WEDNESDAY)
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-ivy")
    assert dict(decision.considered) == {
        "rep-ana": "inactive",
        "rep-ben": "wrong territory (covers DK, SE)",
        "rep-cy": "wrong language (speaks es; the lead is in en)",
        "rep-dee": "wrong segment (takes enterprise; the lead is smb)",
        "rep-eve": "out of office until 2026-12-04 (leave)",
        "rep-fay": "outside working hours (Wed 04:00 America/New_York)",
        "rep-gil": "at capacity 2/2",
        "rep-hal": "daily cap reached 3/3",
        "rep-ivy": "eligible",
    }


def test_a_lead_with_no_language_or_segment_is_not_filtered_on_them() -> None:
    reps = [state("rep-cy", languages=("es",), segments=("enterprise",))]
    assert route(hot(), reps, [], now=WEDNESDAY).assignee_id == "rep-cy"


def test_language_is_the_tags_language() -> None:
    reps = [state("rep-da", "DK", languages=("da",)), state("rep-en", "DK", languages=("en",))]
    decision = route(hot("DK", language="en"), reps, [], now=WEDNESDAY)
    assert decision.assignee_id == "rep-en"
    assert dict(decision.considered)["rep-da"].startswith("wrong language")


def test_working_hours_across_time_zones_on_one_clock() -> None:
    """At 16:30 UTC it is 17:30 in Copenhagen (closed) and 11:30 in New York (open)."""
    reps = [state("rep-cph", hours=OFFICE), state("rep-nyc", hours=NY_OFFICE)]
    evening = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)
    assert route(hot(), reps, [], now=evening).assignee_id == "rep-nyc"
    morning = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)  # 10:30 there, 04:30 here
    assert route(hot(), reps, [], now=morning).assignee_id == "rep-cph"


def test_hours_across_the_change_to_summer_time() -> None:
    """07:30 UTC is 08:30 in Copenhagen on Friday 27 March 2026 and 09:30 on Monday 30
    March, after the clocks went forward."""
    reps = [state("rep-cph", hours=OFFICE)]
    before = route(hot(), reps, [], now=datetime(2026, 3, 27, 7, 30, tzinfo=UTC))
    after = route(hot(), reps, [], now=datetime(2026, 3, 30, 7, 30, tzinfo=UTC))
    assert (before.kind, before.assignee_id) == ("queue", "sales")
    assert "outside working hours: Cph" in before.reason
    assert after.assignee_id == "rep-cph"


def test_out_of_office_set_through_the_api_counts_as_the_configurations() -> None:
    away = (
        Period(
            start=datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
            end=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
        ),
    )
    reps = [state("rep-ben", away=away), state("rep-eve", last_assigned_at=WEDNESDAY)]
    assert route(hot(), reps, [], now=WEDNESDAY).assignee_id == "rep-eve"
    later = WEDNESDAY + timedelta(hours=3)
    assert route(hot(), reps, [], now=later).assignee_id == "rep-ben"


def test_a_holiday_is_time_off_not_a_capacity_of_zero() -> None:
    """Back from holiday, the rep's capacity is whole: every one of their leads goes to
    them until it is full."""
    holiday = (Period(start=date(2026, 12, 1), end=date(2026, 12, 1)),)
    reps = [state("rep-ben", capacity=3, out_of_office=holiday)]
    decisions = route_all([hot()] * 4, reps, [], WEDNESDAY)
    assert [d.assignee_id for d in decisions] == ["rep-ben"] * 3 + ["sales"]


def test_the_daily_cap_counts_the_leads_of_the_day_so_far() -> None:
    reps = [state("rep-ben", daily_cap=2, today=1), state("rep-eve", last_assigned_at=WEDNESDAY)]
    decisions = route_all([hot()] * 4, reps, [], WEDNESDAY)
    # Ben (never assigned) first, then Eve; Ben has reached 2 today; Eve takes the rest
    assert [d.assignee_id for d in decisions] == ["rep-ben", "rep-eve", "rep-eve", "rep-eve"]
    assert dict(decisions[2].considered)["rep-ben"] == "daily cap reached 2/2"


def test_a_paused_rep_is_inactive() -> None:
    reps = [state("rep-ben", paused=True), state("rep-eve")]
    decision = route(hot(), reps, [], now=WEDNESDAY)
    assert decision.assignee_id == "rep-eve"
    assert dict(decision.considered)["rep-ben"] == "inactive"


def test_when_no_rep_can_take_it_now_the_lead_waits_with_every_reason() -> None:
    reps = [
        state("rep-ben", hours=NY_OFFICE),
        state("rep-eve", capacity=1, open_leads=1),
        state("rep-gil", out_of_office=(Period(start=date(2026, 12, 2), end=date(2026, 12, 2)),)),
    ]
    decision = route(hot(), reps, [], now=WEDNESDAY)
    assert (decision.kind, decision.assignee_id) == ("queue", "sales")
    assert decision.rule_path == ("sales-ready", "country:US", "none-available", "sales")
    assert decision.reason == (
        "no rep who covers US can take it now (out of office: Gil; outside working hours: "
        "Ben; at capacity: Eve): waits in the sales queue"
    )


def test_when_no_rep_speaks_the_language_the_lead_is_nurtured_saying_so() -> None:
    reps = [state("rep-cy", languages=("es",))]
    decision = route(hot(language="de"), reps, [], now=WEDNESDAY)
    assert (decision.kind, decision.assignee_id) == ("nurture", "nurture")
    assert decision.reason == (
        "no active rep covers US for this lead (wrong language (speaks es; the lead is in de))"
    )
    assert decision.considered == (("rep-cy", "wrong language (speaks es; the lead is in de)"),)


def test_the_persons_rep_keeps_a_repeat_only_while_they_can_take_it() -> None:
    first = uuid.uuid4()
    owner = Decision("rep", "rep-ben", ("sales-ready",), "earlier")
    repeat = RoutingInput("DK", "cold", "lead", duplicate_of=first)
    ben = state("rep-ben", hours=NY_OFFICE)
    kept = route(repeat, [ben], [], owner, now=datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    assert kept.assignee_id == "rep-ben" and kept.considered == (("rep-ben", "eligible"),)
    # 04:00 in New York: Ben is not at work; the cold lead is nurtured
    asleep = route(repeat, [ben], [], owner, now=WEDNESDAY)
    assert asleep.kind == "nurture"


def test_a_rejection_leaves_out_whoever_declined_and_says_so() -> None:
    reps = [state("rep-ben"), state("rep-eve", hours=NY_OFFICE)]
    decision = reroute(
        Rejection("US", "hot", "sql", ("rep", "rep-ben"), {"rep:rep-ben"}),
        reps,
        [],
        now=WEDNESDAY,
    )
    assert (decision.kind, decision.assignee_id) == ("queue", "sales")
    assert decision.reason == (
        "Ben rejected it; no other rep who covers US can take it (declined by Ben; outside "
        "working hours: Eve): waits in the sales queue"
    )
    assert dict(decision.considered) == {
        "rep-ben": "declined before",
        "rep-eve": "outside working hours (Wed 04:00 America/New_York)",
    }


def test_hours_need_the_time() -> None:
    with pytest.raises(ClockNeeded):
        verdict(state("rep-ben", hours=OFFICE), Wanted("US"), None)
    assert verdict(state("rep-ben"), Wanted("US"), None).eligible


def test_capacity_is_never_exceeded_whatever_the_mix() -> None:
    """Many batches of leads from two countries over reps with small capacities, daily
    caps and weights: no rep ever holds more open leads than their capacity, nor more leads
    of the day than their cap."""
    reps = [
        state("rep-a", "US", "CA", capacity=3, weight=3),
        state("rep-b", "US", capacity=5, daily_cap=4),
        state("rep-c", "CA", capacity=2, weight=2),
    ]
    leads = [hot("US" if n % 3 else "CA") for n in range(40)]
    decisions = route_all(leads, reps, [], WEDNESDAY)
    got = {s.rep.id: sum(d.assignee_id == s.rep.id for d in decisions) for s in reps}
    assert got == {"rep-a": 3, "rep-b": 4, "rep-c": 2}
    assert all(d.kind == "queue" for d in decisions[9:])
