"""What a replay reports: per lead the rules that made a difference, and over all leads
the temperature and status transitions, the deciding rules and a few examples."""

from __future__ import annotations

import uuid

from leadflow_score.replay.domain import EXAMPLES, Difference, ReplayReport
from leadflow_score.rules.domain.scoring import Contribution, Score
from leadflow_shared.events.v1 import LifecycleStatus, Temperature


def _score(
    temperature: Temperature, status: LifecycleStatus, *points: tuple[str, int], version: str = "v"
) -> Score:
    explanation = tuple(
        Contribution(
            rule=rule,
            points=n,
            reason=f"{rule} fired",
            part="engagement" if rule.startswith(("intent", "engagement")) else "fit",
        )
        for rule, n in points
    )
    fit = sum(c.points for c in explanation if c.part == "fit")
    return Score(
        fit=fit,
        engagement=sum(c.points for c in explanation) - fit,
        temperature=temperature,
        status=status,
        status_reason=f"{status}: because",
        explanation=explanation,
        rules_version=version,
    )


def _lead(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


WARM = _score("warm", "mql", ("fit.seniority", 15), ("fit.country", 5), ("intent.cta", 20))
HOT = _score("hot", "mql", ("fit.seniority", 20), ("fit.country", 5), ("intent.cta", 40))


# --- one lead's difference ------------------------------------------------------------


def test_the_differing_rules_come_largest_difference_first() -> None:
    live = _score("warm", "mql", ("fit.seniority", 15), ("fit.country", 5), ("intent.cta", 20))
    replayed = _score(
        "hot",
        "mql",
        ("fit.seniority", 20),  # +5
        ("fit.country", 5),  # same: not listed
        ("intent.cta", 40),  # +20
        ("negative.student", -25),  # new: -25
    )
    difference = Difference(_lead(1), live, replayed)
    assert difference.rules() == [
        ("negative.student", 0, -25),
        ("intent.cta", 20, 40),
        ("fit.seniority", 15, 20),
    ]
    assert difference.changes


def test_a_rule_gone_from_the_replay_counts_as_zero_there() -> None:
    live = _score("hot", "sql", ("fit.seniority", 20), ("bant.budget", 10))
    replayed = _score("hot", "sql", ("fit.seniority", 20))
    assert Difference(_lead(1), live, replayed).rules() == [("bant.budget", 10, 0)]


def test_the_points_of_one_rule_firing_twice_are_added() -> None:
    live = _score("warm", "mql", ("engagement.feedback.contacted", 5))
    replayed = _score(
        "warm",
        "mql",
        ("engagement.feedback.contacted", 5),
        ("engagement.feedback.contacted", 3),
    )
    assert Difference(_lead(1), live, replayed).rules() == [("engagement.feedback.contacted", 5, 8)]


def test_equal_differences_keep_the_rules_in_name_order() -> None:
    live = _score("warm", "mql", ("fit.country", 5), ("fit.department", 5))
    replayed = _score("warm", "mql", ("fit.country", 10), ("fit.department", 0))
    assert [rule for rule, _, _ in Difference(_lead(1), live, replayed).rules()] == [
        "fit.country",
        "fit.department",
    ]


def test_the_same_score_differs_in_no_rule_and_does_not_change() -> None:
    difference = Difference(_lead(1), WARM, WARM)
    assert difference.rules() == []
    assert not difference.changes


def test_points_that_move_no_temperature_nor_status_are_no_change() -> None:
    replayed = _score("warm", "mql", ("fit.seniority", 20), ("intent.cta", 20))
    difference = Difference(_lead(1), WARM, replayed)
    assert difference.rules() == [("fit.country", 5, 0), ("fit.seniority", 15, 20)]
    assert not difference.changes


def test_a_status_alone_is_a_change() -> None:
    replayed = _score("warm", "sql", ("fit.seniority", 15), ("fit.country", 5), ("intent.cta", 20))
    assert Difference(_lead(1), WARM, replayed).changes


# --- the report -----------------------------------------------------------------------


def _report() -> ReplayReport:
    return ReplayReport(version="example@bbbbbbbbbbbb", live_version="example@aaaaaaaaaaaa")


def test_the_report_counts_transitions_and_deciding_rules() -> None:
    report = _report()
    cold_lead = _score("cold", "lead", ("fit.seniority", 15), ("intent.cta", 5))
    sql = _score("hot", "sql", ("fit.seniority", 20), ("fit.country", 5), ("intent.cta", 40))
    report.add(Difference(_lead(1), WARM, HOT))  # warm → hot, mql stays
    report.add(Difference(_lead(2), WARM, HOT))  # warm → hot
    report.add(Difference(_lead(3), WARM, cold_lead))  # warm → cold, mql → lead
    report.add(Difference(_lead(4), HOT, sql))  # mql → sql by the same points (a status rule)
    report.add(Difference(_lead(5), WARM, WARM))  # nothing
    assert report.leads == 5
    assert report.temperature_changes == {("warm", "hot"): 2, ("warm", "cold"): 1}
    assert report.status_changes == {("mql", "lead"): 1, ("mql", "sql"): 1}
    assert (report.changed_temperature, report.changed_status) == (3, 2)
    # every rule that differs for a lead that changed counts once for that lead; lead 4
    # changed status with the same points, so no rule decided it
    assert report.deciding_rules == {
        "fit.seniority": 2,  # leads 1 and 2 (15 → 20)
        "intent.cta": 3,  # leads 1, 2 (20 → 40) and 3 (20 → 5)
        "fit.country": 1,  # lead 3 lost it
    }
    assert [d.lead_id for d in report.examples] == [_lead(n) for n in (1, 2, 3, 4)]


def test_leads_whose_points_move_but_not_their_temperature_or_status_decide_nothing() -> None:
    report = _report()
    replayed = _score("warm", "mql", ("fit.seniority", 20), ("intent.cta", 20))
    report.add(Difference(_lead(1), WARM, replayed))
    assert report.leads == 1
    assert not report.deciding_rules
    assert not report.examples
    assert (report.changed_temperature, report.changed_status) == (0, 0)


def test_the_report_keeps_at_most_five_examples() -> None:
    report = _report()
    for n in range(1, 13):
        report.add(Difference(_lead(n), WARM, HOT))
    assert EXAMPLES == 5
    assert [d.lead_id for d in report.examples] == [_lead(n) for n in range(1, 6)]
    assert report.leads == 12
    assert report.temperature_changes == {("warm", "hot"): 12}
    assert report.deciding_rules == {"fit.seniority": 12, "intent.cta": 12}


def test_the_lines_print_the_counts_the_rules_and_the_examples() -> None:
    report = _report()
    cold_lead = _score("cold", "lead", ("fit.seniority", 15), ("intent.cta", 5))
    report.add(Difference(_lead(1), WARM, HOT))
    report.add(Difference(_lead(2), WARM, HOT))
    report.add(Difference(_lead(3), WARM, cold_lead))
    report.add(Difference(_lead(4), WARM, WARM))
    report.seconds = 2.0
    assert report.lines() == [
        "replayed 4 leads in 2.0 s, 2 a second under example@bbbbbbbbbbbb "
        "(live: example@aaaaaaaaaaaa)",
        "  3 would change temperature: warm → hot 2, warm → cold 1",
        "  1 would change status: mql → lead 1",
        "rules that made the difference (leads):",
        "  intent.cta: 3",
        "  fit.seniority: 2",
        "  fit.country: 1",
        "examples:",
        f"  {_lead(1)}: warm/mql 40 → hot/mql 65",
        "      intent.cta: +20 → +40",
        "      fit.seniority: +15 → +20",
        f"  {_lead(2)}: warm/mql 40 → hot/mql 65",
        "      intent.cta: +20 → +40",
        "      fit.seniority: +15 → +20",
        f"  {_lead(3)}: warm/mql 40 → cold/lead 20",
        "      intent.cta: +20 → +5",
        "      fit.country: +5 → +0",
    ]


def test_the_lines_of_a_replay_that_changes_nothing() -> None:
    report = _report()
    for n in range(1234):
        report.add(Difference(_lead(n), WARM, WARM))
    assert report.lines() == [  # its time unknown (0): no rate
        "replayed 1,234 leads in 0.0 s under example@bbbbbbbbbbbb (live: example@aaaaaaaaaaaa)",
        "  0 would change temperature",
        "  0 would change status",
    ]


def test_an_example_shows_at_most_four_rules_and_negative_points_signed() -> None:
    live = _score("hot", "sql", *((f"fit.rule{n}", 10) for n in range(6)))
    replayed = _score("cold", "lead", *((f"fit.rule{n}", -n) for n in range(6)))
    report = _report()
    report.add(Difference(_lead(7), live, replayed))
    lines = report.lines()
    at = lines.index(f"  {_lead(7)}: hot/sql 60 → cold/lead -15")
    assert lines[at + 1 :] == [
        "      fit.rule5: +10 → -5",
        "      fit.rule4: +10 → -4",
        "      fit.rule3: +10 → -3",
        "      fit.rule2: +10 → -2",
    ]


def test_at_most_eight_deciding_rules_are_printed() -> None:
    live = _score("hot", "sql", *((f"fit.rule{n}", 10) for n in range(10)))
    replayed = _score("cold", "lead")
    report = _report()
    report.add(Difference(_lead(1), live, replayed))
    lines = report.lines()
    start = lines.index("rules that made the difference (leads):") + 1
    printed = lines[start : lines.index("examples:")]
    assert len(report.deciding_rules) == 10
    assert len(printed) == 8
    assert all(line.endswith(": 1") for line in printed)
