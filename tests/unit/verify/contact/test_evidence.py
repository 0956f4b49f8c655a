"""Checks that found nothing about a field travel as one."""

from __future__ import annotations

from leadflow_shared.events.v1 import Check
from leadflow_verify.contact.domain.evidence import merge_quiet

GROUP = frozenset({"a", "b", "c"})


def check(name: str, evidence: str, *findings: str) -> Check:
    status = "flagged" if findings else "passed"
    return Check(name=name, passed=True, status=status, evidence=evidence, findings=findings)


def test_quiet_checks_of_the_group_become_one_in_place_of_the_first() -> None:
    other, flagged = check("x", "outside the group"), check("b", "found it", "finding")
    checks = [other, check("a", "no A"), flagged, check("c", "no C"), check("c", "no C")]
    merged = merge_quiet("merged", "field", checks, GROUP)
    assert [c.name for c in merged] == ["x", "merged", "b"]
    assert merged[1].evidence == "no A; no C"  # the same evidence once
    assert (merged[1].field, merged[1].status, merged[1].passed) == ("field", "passed", True)
    assert merged[0] is other and merged[2] is flagged


def test_a_lone_quiet_check_keeps_its_own_name() -> None:
    checks = (check("a", "no A"), check("b", "found it", "finding"))
    assert merge_quiet("merged", "field", checks, GROUP) == checks


def test_the_same_check_twice_is_merged_like_any_other() -> None:
    quiet, other = check("a", "no A"), check("x", "outside the group")
    merged = merge_quiet("merged", "field", (quiet, other, quiet), GROUP)
    assert [c.name for c in merged] == ["merged", "x"]
    assert merged[0].evidence == "no A"
