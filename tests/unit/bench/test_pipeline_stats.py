"""The pipeline benchmark's numbers: percentiles, lost and duplicated leads, drain time."""

from __future__ import annotations

import math

import pytest

from tests.bench.pipeline_stats import (
    REJECTED,
    ROUTED,
    Answer,
    Outcome,
    Phase,
    parse_answers,
    parse_outcomes,
    percentile,
    summarise,
)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([3.0], 99) == 3
    assert percentile([], 50) is None


def test_missing_outcomes_rank_above_every_arrived_one() -> None:
    values = sorted([0.1] * 98 + [math.inf] * 2)

    assert percentile(values, 98) == 0.1
    assert percentile(values, 99) == math.inf


def test_recorded_lines_are_parsed() -> None:
    (answer,) = parse_answers(["1 100.250000 100.260000 202 lead-a"])
    (refused,) = parse_answers(["0 100.0 100.1 503 -"])
    (outcome,) = parse_outcomes([f"101.5 {ROUTED} lead-a"])

    assert answer == Answer(1, 100.25, 100.26, 202, "lead-a")
    assert refused.lead_id is None
    assert outcome == Outcome(101.5, ROUTED, "lead-a")


def test_a_phase_counts_outcomes_losses_duplicates_and_its_drain() -> None:
    first, second = Phase(rate=2, seconds=1, start=100.0), Phase(rate=2, seconds=1, start=101.0)
    answers = [
        Answer(0, 100.0, 100.01, 202, "a"),
        Answer(0, 100.5, 100.51, 202, "b"),
        Answer(1, 101.0, 101.01, 202, "c"),
        Answer(1, 101.5, 101.51, 503, None),
    ]
    outcomes = [
        Outcome(100.2, ROUTED, "a"),
        Outcome(100.9, REJECTED, "b"),
        Outcome(101.2, ROUTED, "b"),  # b twice
        Outcome(140.0, ROUTED, "c"),  # after the deadline: lost
    ]

    one, two = summarise([first, second], answers, outcomes, deadline=131.5)

    assert (one.accepted, one.routed, one.rejected, one.lost, one.duplicated) == (2, 1, 1, 0, 1)
    assert one.latencies == pytest.approx([0.2, 0.4])
    assert one.drain_s == pytest.approx(0.4)  # last post 100.5, last outcome 100.9
    assert one.outcomes_in_window == 2  # 100.2 and 100.9 fell inside [100, 101)
    assert one.completed_per_s() == pytest.approx(2 / 0.9)
    assert (two.accepted, two.lost, two.other_statuses) == (1, 1, {503: 1})
    assert two.latencies == [math.inf]
    assert two.drain_s is None
    assert two.completed_per_s() is None
