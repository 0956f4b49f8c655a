"""A decision as the history stores it: one serialiser for every field of ``Decision``, the
reps it considered (and why it skipped the others) among them whenever a decision has
them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.assignments.history import ELIGIBLE, RoutingRecord, trace_of
from leadflow_router.assignments.schemas import RoutingOut
from leadflow_shared.events.v1 import Assignee

ROTATION = Decision(
    kind="rep",
    assignee_id="rep-eve",
    rule_path=("sales-ready", "country:US", "round-robin", "rep-eve"),
    reason="hot SQL lead from US: Eve covers it and is next in turn",
    credits=(("rep-ben", 1), ("rep-eve", -1)),
)


@dataclass(frozen=True)
class Considering(Decision):
    """A decision that names the reps it considered (the field routing is growing)."""

    considered: tuple[tuple[str, str], ...] = ()


def test_every_field_of_a_decision_is_kept_as_json() -> None:
    trace = trace_of(ROTATION)
    assert trace == {
        "kind": "rep",
        "assignee_id": "rep-eve",
        "rule_path": ["sales-ready", "country:US", "round-robin", "rep-eve"],
        "reason": ROTATION.reason,
        "credits": [["rep-ben", 1], ["rep-eve", -1]],
        "considered": [],
        "partner_credits": [],
    }
    assert json.loads(json.dumps(trace)) == trace


def test_the_reps_considered_are_kept_and_shown_as_eligible_and_skipped() -> None:
    considered = (
        ("rep-ben", ELIGIBLE),
        ("rep-eve", ELIGIBLE),
        ("rep-gil", "out of office"),
        ("rep-kim", "at capacity"),
    )
    decision = Considering(**{**vars(ROTATION), "considered": considered})
    trace = trace_of(decision)
    assert trace["considered"] == [list(c) for c in considered]
    record = RoutingRecord(
        attempt=1,
        why="routed",
        assignee=Assignee(kind="rep", id="rep-eve"),
        previous=None,
        rule_path=decision.rule_path,
        reason=decision.reason,
        trace=trace,
        decided_at=datetime(2026, 12, 5, tzinfo=UTC),
        answer_by=None,
    )
    shown = RoutingOut.of(record)
    assert shown.eligible == ["rep-ben", "rep-eve"]
    assert [(s.rep_id, s.why) for s in shown.skipped] == [
        ("rep-gil", "out of office"),
        ("rep-kim", "at capacity"),
    ]
