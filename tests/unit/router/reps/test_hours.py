"""Working hours and out-of-office periods, on a fake clock (plain datetimes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from leadflow_router.reps.hours import Period, WorkingHours, day_start

CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")


def hours(**days: str) -> WorkingHours:
    return WorkingHours.model_validate({"tz": "Europe/Copenhagen", **days})


def test_a_week_in_the_reps_own_time_zone() -> None:
    week = WorkingHours.model_validate(
        {"tz": "Europe/Copenhagen", "mon-fri": "09:00-17:00", "sat": "10:00-12:00"}
    )
    # Wednesday 2 December 2026: Copenhagen is UTC+1
    assert not week.at_work(datetime(2026, 12, 2, 7, 59, tzinfo=UTC))  # 08:59 there
    assert week.at_work(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # 09:00 there
    assert week.at_work(datetime(2026, 12, 2, 15, 59, tzinfo=UTC))
    assert not week.at_work(datetime(2026, 12, 2, 16, 0, tzinfo=UTC))  # 17:00: ends
    assert week.at_work(datetime(2026, 12, 5, 9, 30, tzinfo=UTC))  # Saturday 10:30
    assert not week.at_work(datetime(2026, 12, 6, 9, 30, tzinfo=UTC))  # Sunday: off
    assert week.describe(datetime(2026, 12, 6, 9, 30, tzinfo=UTC)) == (
        "Sun 10:30 Europe/Copenhagen"
    )


def test_the_day_is_the_reps_day_not_utcs() -> None:
    """Friday 23:30 in New York is Saturday 04:30 UTC: a Friday evening shift there."""
    late = WorkingHours.model_validate({"tz": "America/New_York", "fri": "18:00-24:00"})
    assert late.at_work(datetime(2026, 12, 5, 4, 30, tzinfo=UTC))
    assert late.at_work(datetime(2026, 12, 5, 4, 59, 59, tzinfo=UTC))  # 23:59:59 Friday
    assert not late.at_work(datetime(2026, 12, 5, 5, 0, tzinfo=UTC))  # Saturday there


def test_hours_follow_daylight_saving_time() -> None:
    """09:00 in Copenhagen is 08:00 UTC in winter and 07:00 UTC in summer; on the Monday
    after the clocks went forward (29 March 2026) the shift starts an hour earlier in UTC."""
    week = hours(**{"mon-fri": "09:00-17:00"})
    friday_before, monday_after = (
        datetime(2026, 3, 27, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
    )
    assert not week.at_work(friday_before)  # 08:30 CET
    assert week.at_work(monday_after)  # 09:30 CEST
    assert not week.at_work(datetime(2026, 3, 30, 15, 0, tzinfo=UTC))  # 17:00 CEST


def test_split_days_and_lists_of_days() -> None:
    week = hours(**{"mon,wed": "08:00-12:00, 13:00-16:00"})
    assert week.at_work(datetime(2026, 11, 30, 10, 0, tzinfo=CPH))  # Monday
    assert not week.at_work(datetime(2026, 11, 30, 12, 30, tzinfo=CPH))  # lunch
    assert week.at_work(datetime(2026, 12, 2, 13, 0, tzinfo=CPH))  # Wednesday
    assert not week.at_work(datetime(2026, 12, 1, 10, 0, tzinfo=CPH))  # Tuesday: off


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"tz": "Mars/Olympus", "mon": "09:00-17:00"}, "IANA"),
        ({"tz": "UTC", "mon-funday": "09:00-17:00"}, "day"),
        ({"tz": "UTC", "fri-mon": "09:00-17:00"}, "forward"),
        ({"tz": "UTC", "mon": "9am to 5pm"}, "span"),
        ({"tz": "UTC", "mon": "22:00-06:00"}, "two spans"),
        ({"tz": "UTC", "mon": "09:00-25:00"}, "time of day"),
    ],
)
def test_hours_that_make_no_sense_are_refused(given: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        WorkingHours.model_validate(given)


def test_hours_round_trip_through_their_stored_form() -> None:
    week = hours(**{"mon-fri": "09:00-17:00"})
    again = WorkingHours.model_validate(week.model_dump(mode="json"))
    assert again == week
    assert again.at_work(datetime(2026, 12, 2, 9, 0, tzinfo=CPH))


def test_out_of_office_days_are_whole_days_in_the_reps_zone() -> None:
    christmas = Period(start=date(2026, 12, 24), end=date(2026, 12, 26), note="Christmas")
    assert not christmas.covers(datetime(2026, 12, 23, 22, 59, tzinfo=UTC), CPH)
    assert christmas.covers(datetime(2026, 12, 23, 23, 0, tzinfo=UTC), CPH)  # 00:00 CET
    assert christmas.covers(datetime(2026, 12, 26, 22, 59, tzinfo=UTC), CPH)  # 23:59 CET
    assert not christmas.covers(datetime(2026, 12, 26, 23, 0, tzinfo=UTC), CPH)
    # the same dates for a rep in New York start six hours later
    assert not christmas.covers(datetime(2026, 12, 24, 4, 59, tzinfo=UTC), NYC)
    assert christmas.covers(datetime(2026, 12, 24, 5, 0, tzinfo=UTC), NYC)


def test_out_of_office_moments_are_local_unless_they_carry_an_offset() -> None:
    local = Period.model_validate({"start": "2026-12-10T13:00", "end": "2026-12-10T17:00"})
    assert isinstance(local.start, datetime)
    assert local.covers(datetime(2026, 12, 10, 12, 0, tzinfo=UTC), CPH)  # 13:00 CET
    assert not local.covers(datetime(2026, 12, 10, 16, 0, tzinfo=UTC), CPH)  # 17:00: over
    fixed = Period.model_validate({"start": "2026-12-10T13:00:00Z", "end": "2026-12-10T14:00:00Z"})
    assert fixed.covers(datetime(2026, 12, 10, 13, 30, tzinfo=UTC), NYC)
    with pytest.raises(ValidationError, match="ends after it starts"):
        Period(start=date(2026, 12, 2), end=date(2026, 12, 1))


def test_a_days_start_is_midnight_on_the_reps_wall_clock() -> None:
    assert day_start(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), CPH) == datetime(
        2026, 12, 3, 0, 0, tzinfo=CPH
    )
    assert day_start(datetime(2026, 12, 2, 3, 0, tzinfo=UTC), NYC) == datetime(
        2026, 12, 1, 0, 0, tzinfo=NYC
    )
