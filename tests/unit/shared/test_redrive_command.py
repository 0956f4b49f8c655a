"""`redrive --since`: what it takes, and what it says it did and could not reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadflow_shared.messaging.pruning import Redriven
from leadflow_shared.service.cli import parse_since, redrive_report

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        (" 3 h ", timedelta(hours=3)),
    ],
)
def test_a_span_counts_back_from_now(text: str, back: timedelta) -> None:
    assert parse_since(text, NOW) == NOW - back


def test_a_time_is_utc_unless_it_says_otherwise() -> None:
    assert parse_since("2026-12-02T10:00:00", NOW) == datetime(2026, 12, 2, 10, tzinfo=UTC)
    given = parse_since("2026-12-02T10:00:00+01:00", NOW)
    assert given == datetime(2026, 12, 2, 10, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize("text", ["", "yesterday", "2h ago", "-5m", "10x"])
def test_anything_else_is_refused_with_what_it_takes(text: str) -> None:
    with pytest.raises(ValueError, match="neither a span"):
        parse_since(text, NOW)


def test_the_report_says_what_is_no_longer_kept() -> None:
    since = NOW - timedelta(days=2)
    kept = redrive_report("router", since, Redriven(12, NOW - timedelta(days=1)), 86_400)
    assert kept.startswith("router: 12 event(s) published since 2026-11-30 12:00:00 UTC")
    assert "no longer kept" in kept
    nothing = redrive_report("router", since, Redriven(0, None), 0)
    assert "kept no published event" in nothing and "(0 in this environment)" in nothing
    whole = redrive_report("router", since, Redriven(3, since), 86_400)
    assert "\n" not in whole
