"""Reading free-text BANT answers: budget, authority, need and timeline."""

from __future__ import annotations

import pytest

from leadflow_score.rules.domain.bant import read_authority, read_budget, read_need, read_timeline


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("now", "soon"),
        ("ASAP", "soon"),
        ("this quarter", "soon"),
        ("<3 months", "soon"),
        ("1-3 months", "soon"),
        ("1\u20133 months", "soon"),
        ("within 2 weeks", "soon"),
        ("90 days", "soon"),
        ("3-6 months", "later"),
        ("> 3 months", "later"),
        ("more than 3 months", "later"),
        ("next year", "later"),
        ("just looking", "negative"),
        ("no timeline", "negative"),
        ("not sure", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_read_timeline(answer: str | None, reading: str) -> None:
    assert read_timeline(answer) == reading


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("$10,000", "positive"),
        ("50k", "positive"),
        ("yes", "positive"),
        ("no budget", "negative"),
        ("None", "negative"),
        ("0", "negative"),
        ("n/a", "unknown"),
        ("don't know", "unknown"),
    ],
)
def test_read_budget(answer: str, reading: str) -> None:
    assert read_budget(answer) == reading


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("Yes", "positive"),
        ("Decision maker", "positive"),
        ("I sign off", "positive"),
        ("Founder", "positive"),
        ("Not the decision maker", "negative"),
        ("no", "negative"),
        ("student", "negative"),
        ("I recommend to my boss", "unknown"),
    ],
)
def test_read_authority(answer: str, reading: str) -> None:
    assert read_authority(answer) == reading


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("Replace our spreadsheets", "positive"),
        ("just looking", "negative"),
        ("Just browsing.", "negative"),
        ("no need", "negative"),
        ("unsure", "unknown"),
    ],
)
def test_read_need(answer: str, reading: str) -> None:
    assert read_need(answer) == reading
