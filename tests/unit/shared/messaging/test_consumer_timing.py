"""The consumer loop's timing: the fetch wait (short while records flow, long after a quiet
spell) and how often handled offsets go to the broker."""

from __future__ import annotations

from aiokafka import ConsumerRecord, TopicPartition

from leadflow_shared.messaging.consumer import Offsets, Pace


def record(topic: str, partition: int, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(topic, partition, offset, 0, 0, b"k", b"v", None, 1, 1, [])


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


def test_offsets_go_to_the_broker_at_most_every_interval_and_per_partition_when_asked() -> None:
    clock = Ticking()
    offsets = Offsets(interval_s=1.0, clock=clock)
    assert not offsets.due() and offsets.take() == {}
    offsets.handled([record("t", 0, 4), record("t", 0, 2), record("t", 1, 9)])
    assert not offsets.due()  # handled, but the interval since the last commit has not passed
    clock.now += 1.0
    assert offsets.due()
    # Revoked partitions take theirs at once, the next commit the rest (one past the last).
    assert offsets.take([TopicPartition("t", 1)]) == {TopicPartition("t", 1): 10}
    assert offsets.take() == {TopicPartition("t", 0): 5}
    assert not offsets.due()
    offsets.handled([record("t", 0, 5)])
    assert not offsets.due()  # the interval runs from the last commit
