"""Load shedding's admission decisions, on a fake clock."""

from __future__ import annotations

import pytest

from leadflow_capture.intake.admission import (
    DEADLINE,
    QUEUE_FULL,
    RECENT_S,
    TOO_SLOW,
    Admission,
    Shed,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def admission(clock: FakeClock, **overrides: float) -> Admission:
    options: dict[str, float] = {"bound_s": 1.0, "max_waiting": 10_000, **overrides}
    return Admission(
        bound_s=options["bound_s"],
        max_waiting=int(options["max_waiting"]),
        slots=int(options.get("slots", 1)),
        clock=clock,
    )


def flush(a: Admission, clock: FakeClock, items: int, seconds: float) -> None:
    began = a.started(items)
    clock.advance(seconds)
    a.finished(began, items)


def test_before_any_flush_only_the_queue_cap_refuses() -> None:
    clock = FakeClock()
    a = admission(clock, max_waiting=5)
    a.admit(clock(), waiting=4)
    with pytest.raises(Shed) as refused:
        a.admit(clock(), waiting=5)
    assert refused.value.reason == QUEUE_FULL
    assert refused.value.retry_after_s >= 1


def test_a_request_is_refused_when_the_queue_ahead_would_take_it_past_the_bound() -> None:
    clock = FakeClock()
    a = admission(clock)
    flush(a, clock, items=100, seconds=0.1)  # a full flush (100 leads) in 0.1 s
    assert a.flush_s(100) == pytest.approx(0.1)
    a.admit(clock(), waiting=900)  # 9 full flushes ahead: ~0.9 s, in time
    with pytest.raises(Shed) as refused:
        a.admit(clock(), waiting=1500)  # 15 flushes: ~1.5 s ahead
    assert refused.value.reason == TOO_SLOW
    assert refused.value.retry_after_s == 2  # the queue's expected wait, rounded up


def test_the_time_a_request_already_spent_counts_against_its_bound() -> None:
    clock = FakeClock()
    a = admission(clock)
    flush(a, clock, items=100, seconds=0.1)
    arrived = clock()
    clock.advance(0.6)  # read and parsed slowly (a busy process)
    with pytest.raises(Shed):
        a.admit(arrived, waiting=500)  # 0.6 s spent + 0.5 s ahead
    a.admit(clock(), waiting=500)  # the same queue, for a request that just came


def test_leads_in_flushes_not_yet_ended_count_as_ahead() -> None:
    clock = FakeClock()
    a = admission(clock)
    flush(a, clock, items=100, seconds=0.1)
    a.started(800)
    a.admit(clock(), waiting=100)
    with pytest.raises(Shed):
        a.admit(clock(), waiting=300)  # 800 in flight + 300 waiting: 1.1 s


def test_flush_slots_share_the_queue() -> None:
    clock = FakeClock()
    a = admission(clock, slots=2)
    flush(a, clock, items=100, seconds=0.1)
    a.admit(clock(), waiting=1500)  # two flushes at a time: ~0.75 s
    assert a.expected_wait(1500) == pytest.approx(0.75)


def test_the_pace_follows_the_sizes_of_the_flushes() -> None:
    clock = FakeClock()
    a = admission(clock)
    for _ in range(20):
        flush(a, clock, items=1, seconds=0.002)  # quiet: one lead a flush, 2 ms each
    assert a.flush_s(1) == pytest.approx(0.002)
    assert a.flush_s(100) == pytest.approx(0.002)  # small flushes: their time is fixed cost
    flush(a, clock, items=100, seconds=0.02)  # the first full batch of a burst
    # a fixed part and a part per lead, from flushes of both sizes
    assert a.flush_s(1) == pytest.approx(0.002, rel=0.1)
    assert a.flush_s(100) == pytest.approx(0.02, rel=0.1)
    a.admit(clock(), waiting=1000)  # 10 flushes of ~20 ms: what the quiet pace refused


def test_a_slow_small_flush_does_not_refuse_a_queue_the_next_flush_takes() -> None:
    clock = FakeClock()
    a = admission(clock)
    for _ in range(20):
        flush(a, clock, items=1, seconds=0.002)
    flush(a, clock, items=1, seconds=0.4)  # one slow commit of a single lead
    for waiting in range(100):  # a burst: all of it goes in the next flush
        a.admit(clock(), waiting=waiting)
    a.started(1)  # a flush of one running while the burst waits
    for waiting in range(100):
        a.admit(clock(), waiting=waiting)
    a.admit(clock(), waiting=500)  # five full flushes ahead, each a commit's time
    with pytest.raises(Shed):  # twenty, each as slow as the average has become (~0.08 s)
        a.admit(clock(), waiting=2000)


def test_with_every_slot_busy_a_request_waits_for_the_first_to_end() -> None:
    clock = FakeClock()
    a = admission(clock, slots=2)
    flush(a, clock, items=100, seconds=0.6)
    a.started(100)
    a.admit(clock(), waiting=0)  # a slot is free: at once
    a.started(100)
    clock.advance(0.1)
    assert a.expected_wait(0) == pytest.approx(0.5)  # the first ends in 0.5 s
    a.admit(clock(), waiting=199)  # two full flushes ahead: (0.5 + 0.5 + 2 * 0.6) / 2
    with pytest.raises(Shed):  # three: (0.5 + 0.5 + 3 * 0.6) / 2 = 1.4 s
        a.admit(clock(), waiting=300)


def test_a_flush_running_longer_than_the_bound_refuses_everyone_new() -> None:
    clock = FakeClock()
    a = admission(clock)
    flush(a, clock, items=10, seconds=0.01)
    a.started(10)
    clock.advance(0.5)
    a.admit(clock(), waiting=0)  # slow, not yet stuck
    clock.advance(1.0)
    with pytest.raises(Shed) as refused:
        a.admit(clock(), waiting=0)
    assert refused.value.reason == TOO_SLOW
    assert refused.value.retry_after_s == 2  # it has run 1.5 s
    assert (a.overload(waiting=0) or "").startswith("overloaded")


def test_overload_is_reported_while_a_queue_is_too_long_and_for_a_while_after_a_refusal() -> None:
    clock = FakeClock()
    a = admission(clock)
    assert a.overload(waiting=0) is None  # nothing measured yet
    flush(a, clock, items=100, seconds=0.1)
    assert a.overload(waiting=100) is None
    assert "wait 2.0 s" in (a.overload(waiting=2000) or "")
    shed = a.refuse(DEADLINE, waiting=0)
    assert (shed.reason, shed.retry_after_s) == (DEADLINE, 1)
    assert a.shed_count == 1
    assert "refused" in (a.overload(waiting=0) or "")
    clock.advance(RECENT_S)
    assert a.overload(waiting=0) is None


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        Admission(bound_s=1, max_waiting=1, max_batch=0)
    with pytest.raises(ValueError):
        Admission(bound_s=0, max_waiting=1)
    with pytest.raises(ValueError):
        Admission(bound_s=1, max_waiting=0)
