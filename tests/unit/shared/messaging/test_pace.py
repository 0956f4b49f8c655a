"""The consumer's fetch wait: short while records flow, long after a quiet spell."""

from __future__ import annotations

from leadflow_shared.messaging.consumer import Pace


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_process_starts_idle_turns_busy_with_records_and_idle_again_after_the_quiet_spell() -> (
    None
):
    clock = Ticking()
    pace = Pace(busy_ms=50, idle_ms=1000, idle_after_s=5.0, clock=clock)
    assert pace.wait_ms(got_records=False) == 1000
    assert pace.wait_ms(got_records=True) == 50
    clock.now += 4.9
    assert pace.wait_ms(got_records=False) == 50
    clock.now += 0.2
    assert pace.wait_ms(got_records=False) == 1000
    assert pace.wait_ms(got_records=True) == 50


def test_equal_waits_turn_the_pacing_off() -> None:
    pace = Pace(busy_ms=500, idle_ms=500, idle_after_s=5.0)
    assert {pace.wait_ms(got_records=r) for r in (False, True, False)} == {500}
