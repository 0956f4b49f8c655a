from __future__ import annotations

import pytest

from leadflow_capture.intake.domain.dedupe import (
    IDEMPOTENCY_TTL_S,
    DedupeKey,
    dedupe_key,
    fingerprint,
    key_digest,
)
from leadflow_capture.intake.ratelimit import RateLimiter
from leadflow_capture.sources.domain import Source
from leadflow_shared.events.v1 import Consent, LeadSubmission


def test_identical_submissions_share_a_fingerprint_and_different_ones_do_not() -> None:
    a = LeadSubmission(email="a@example.com", first_name="Ana")
    assert fingerprint(a) == fingerprint(LeadSubmission(email="a@example.com", first_name="Ana"))
    assert fingerprint(a) != fingerprint(LeadSubmission(email="a@example.com", first_name="Anna"))


def test_the_consent_time_does_not_make_a_double_click_a_new_lead() -> None:
    from datetime import UTC, datetime, timedelta

    t = datetime(2026, 11, 23, tzinfo=UTC)
    first = LeadSubmission(email="a@example.com", consent=Consent(marketing=True, given_at=t))
    again = first.model_copy(
        update={"consent": Consent(marketing=True, given_at=t + timedelta(seconds=1))}
    )
    assert fingerprint(first) == fingerprint(again)


def test_an_idempotency_key_wins_over_the_fingerprint_and_lasts_a_day() -> None:
    sub = LeadSubmission(email="a@example.com")
    body = key_digest("web", "body", fingerprint(sub))
    assert dedupe_key("web", sub, "abc", 10) == DedupeKey(
        key_digest("web", "key", "abc"), IDEMPOTENCY_TTL_S, body
    )
    assert dedupe_key("web", sub, None, 10) == DedupeKey(
        key_digest("web", "fp", fingerprint(sub)), 10
    )
    assert dedupe_key("web", sub, None, 0) is None


def test_an_idempotency_key_remembers_what_it_came_with() -> None:
    sub = LeadSubmission(email="a@example.com")
    other = LeadSubmission(email="b@example.com")
    first, same, different = (
        dedupe_key("web", s, "abc", 10) for s in (sub, sub.model_copy(), other)
    )
    assert first is not None and same is not None and different is not None
    assert first.key == same.key == different.key
    assert first.body == same.body != different.body


def test_keys_are_short_digests_that_differ_by_source_and_kind() -> None:
    keys = {
        key_digest("web", "key", "abc"),
        key_digest("shop", "key", "abc"),
        key_digest("web", "fp", "abc"),
        key_digest("web", "key", "abd"),
    }
    assert len(keys) == 4
    assert {len(k) for k in keys} == {16}


def test_a_bucket_allows_its_burst_then_asks_to_wait() -> None:
    limiter = RateLimiter()
    assert [limiter.take("k", rate=1, burst=3, now=100.0) for _ in range(3)] == [0, 0, 0]
    assert limiter.take("k", rate=1, burst=3, now=100.0) == 1
    assert limiter.take("other", rate=1, burst=3, now=100.0) == 0
    assert limiter.take("k", rate=1, burst=3, now=101.0) == 0


def test_retry_after_is_how_long_until_a_token_is_back() -> None:
    limiter = RateLimiter()
    limiter.take("k", rate=0.1, burst=1, now=0.0)
    assert limiter.take("k", rate=0.1, burst=1, now=0.0) == 10


def test_idle_keys_are_forgotten_beyond_the_limit() -> None:
    limiter = RateLimiter(max_keys=2)
    for key in ("a", "b", "c"):
        limiter.take(key, rate=1, burst=1, now=0.0)
    assert limiter.take("a", rate=1, burst=1, now=0.0) == 0  # forgotten: a fresh bucket


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("thank_you_url", "javascript:alert(1)"),
        ("thank_you_url", "/relative"),
        ("error_url", "ftp://x.example/"),
        ("allowed_origins", ["http://x.example/path"]),
        ("id", "Bad Id"),
        ("secret", "short"),
    ],
)
def test_unsafe_source_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValueError):
        Source.model_validate({"id": "s", "name": "S", field: value})


def test_origins_are_compared_case_insensitively_and_secrets_never_shown() -> None:
    source = Source(id="s", name="S", allowed_origins=("HTTP://Example.com:8080",), secret="x" * 16)
    assert source.allows_origin("http://example.com:8080")
    assert not source.allows_origin("http://example.com")
    assert not source.allows_origin(None)
    shown = source.public()
    assert "secret" not in shown and shown["signed"] is True
