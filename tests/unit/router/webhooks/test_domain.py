"""The rules of webhook delivery on plain data: the backoff schedule, what an answer means
for a delivery, and an endpoint's health (a fake clock: plain datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow_router.webhooks.domain import (
    Answer,
    DeliveryPolicy,
    Health,
    after_attempt,
    backoff_s,
    retry_after_s,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
POLICY = DeliveryPolicy(
    max_attempts=4,
    backoff_initial_s=2.0,
    backoff_max_s=30.0,
    retry_after_max_s=600.0,
    unhealthy_after=3,
    cooldown_s=60.0,
)


def ceiling(low: float, high: float) -> float:
    return high


def floor(low: float, high: float) -> float:
    return low


def test_the_backoff_doubles_up_to_its_maximum() -> None:
    assert [backoff_s(n, POLICY, ceiling) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


def test_the_jitter_spreads_over_the_upper_half() -> None:
    assert [backoff_s(n, POLICY, floor) for n in range(1, 6)] == [1, 2, 4, 8, 15]
    waits = {backoff_s(3, POLICY) for _ in range(200)}
    assert all(4 <= w <= 8 for w in waits) and len(waits) > 1


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (Answer(200), "delivered"),
        (Answer(204), "delivered"),
        (Answer(500), "retry"),
        (Answer(503), "retry"),
        (Answer(408), "retry"),
        (Answer(429), "retry"),
        (Answer(None, "timeout"), "retry"),
        (Answer(None, "no connection (ConnectError)"), "retry"),
        (Answer(400), "rejected"),
        (Answer(401), "rejected"),
        (Answer(404), "rejected"),
        (Answer(410), "rejected"),
        (Answer(301), "rejected"),
    ],
)
def test_what_an_answer_means(answer: Answer, verdict: str) -> None:
    assert answer.verdict == verdict


def test_a_delivered_post_is_done() -> None:
    outcome = after_attempt(1, Answer(200), T0, POLICY, endpoint_healthy=True)
    assert (outcome.state, outcome.error) == ("delivered", None)


def test_a_refused_post_fails_for_good_at_once() -> None:
    outcome = after_attempt(1, Answer(400), T0, POLICY, endpoint_healthy=True)
    assert outcome.state == "failed" and outcome.error == "HTTP 400: refused, not retried"


def test_a_failed_post_is_tried_again_after_the_backoff() -> None:
    outcome = after_attempt(2, Answer(503), T0, POLICY, endpoint_healthy=True, jitter=ceiling)
    assert outcome == type(outcome)("pending", T0 + timedelta(seconds=4), "HTTP 503")


def test_retry_after_is_honoured_and_capped() -> None:
    asked = Answer(429, retry_after="120")
    outcome = after_attempt(1, asked, T0, POLICY, endpoint_healthy=True, jitter=ceiling)
    assert outcome.next_attempt_at == T0 + timedelta(seconds=120)
    shorter = Answer(503, retry_after="1")  # never sooner than the backoff
    assert after_attempt(
        3, shorter, T0, POLICY, endpoint_healthy=True, jitter=ceiling
    ).next_attempt_at == T0 + timedelta(seconds=8)
    huge = Answer(503, retry_after="86400")
    assert after_attempt(1, huge, T0, POLICY, endpoint_healthy=True).next_attempt_at == T0 + (
        timedelta(seconds=600)
    )


def test_retry_after_as_a_date() -> None:
    assert retry_after_s("Sat, 05 Dec 2026 09:01:30 GMT", T0) == 90
    assert retry_after_s("Sat, 05 Dec 2026 08:00:00 GMT", T0) == 0
    assert retry_after_s("soon", T0) is None
    assert retry_after_s(None, T0) is None


def test_a_delivery_is_given_up_after_its_attempts_while_the_endpoint_is_healthy() -> None:
    given_up = after_attempt(4, Answer(None, "timeout"), T0, POLICY, endpoint_healthy=True)
    assert given_up.state == "failed" and given_up.error == "timeout: gave up after 4 attempts"
    waits = after_attempt(9, Answer(None, "timeout"), T0, POLICY, endpoint_healthy=False)
    assert waits.state == "pending"  # an unhealthy endpoint's deliveries wait for it


def test_an_endpoint_turns_unhealthy_after_failures_in_a_row_and_back_after_a_success() -> None:
    health, now = Health(), T0
    for n in (1, 2):
        health = health.after(Answer(503), now, POLICY)
        assert health == Health(True, n, None)
    health = health.after(Answer(None, "timeout"), now, POLICY)
    assert health == Health(False, 3, now + timedelta(seconds=60))
    assert not health.may_send(now + timedelta(seconds=59))
    assert health.may_send(now + timedelta(seconds=60))  # the probe
    now += timedelta(seconds=60)
    health = health.after(Answer(502), now, POLICY)  # the probe failed: another cool-down
    assert health == Health(False, 4, now + timedelta(seconds=60))
    now += timedelta(seconds=60)
    assert health.after(Answer(200), now, POLICY) == Health()


def test_a_success_resets_the_count_and_a_refusal_leaves_it() -> None:
    health = Health().after(Answer(500), T0, POLICY).after(Answer(500), T0, POLICY)
    assert health.after(Answer(404), T0, POLICY) == health  # it answered: no outage
    assert health.after(Answer(201), T0, POLICY) == Health()
    assert Health().may_send(T0)
