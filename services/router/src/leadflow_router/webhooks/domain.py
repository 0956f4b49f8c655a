"""The rules of webhook delivery, on plain data: what an endpoint's answer means, how long
to wait before the next attempt, and when an endpoint counts as unhealthy.

    answer                         delivery                     endpoint
    2xx                            delivered                    healthy, failures reset
    408, 429, 5xx, timeout,        retried after a backoff      one more failure in a row;
    no connection                  (and Retry-After), given up  unhealthy at N, probed again
                                   after max attempts           after a cool-down
    any other status (4xx, 3xx)    failed for good (recorded)   unchanged: it did answer

While an endpoint is unhealthy its deliveries wait (they are not given up), and one of
them goes as a probe once the cool-down is over.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

Verdict = Literal["delivered", "retry", "rejected"]
State = Literal["pending", "delivered", "failed", "withdrawn"]
RETRYABLE_STATUSES = frozenset({408, 429})
Jitter = Callable[[float, float], float]


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 10
    backoff_initial_s: float = 2.0
    backoff_max_s: float = 600.0
    retry_after_max_s: float = 3600.0  # a longer Retry-After is cut to this
    unhealthy_after: int = 5  # failures in a row
    cooldown_s: float = 60.0  # between probes of an unhealthy endpoint


@dataclass(frozen=True)
class Answer:
    """What one post got: a status, or none (``error`` says why: timeout, no connection)."""

    status: int | None
    error: str | None = None
    retry_after: str | None = None  # the Retry-After header as sent

    @property
    def verdict(self) -> Verdict:
        if self.status is None:
            return "retry"
        if 200 <= self.status < 300:
            return "delivered"
        if self.status in RETRYABLE_STATUSES or self.status >= 500:
            return "retry"
        return "rejected"

    def describe(self) -> str:
        if self.status is None:
            return self.error or "no answer"
        return f"HTTP {self.status}"


def backoff_s(failures: int, policy: DeliveryPolicy, jitter: Jitter = random.uniform) -> float:
    """How long to wait after a delivery's ``failures``-th failed attempt: exponential (the
    initial wait, twice it, four times it, … up to the maximum), with jitter over its upper
    half so that deliveries failed together do not come back together."""
    ceiling = min(policy.backoff_max_s, policy.backoff_initial_s * 2 ** max(0, failures - 1))
    return jitter(ceiling / 2, ceiling)


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """A Retry-After header's wait in seconds (delay-seconds or an HTTP date); None when
    there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Outcome:
    """What becomes of a delivery after an attempt."""

    state: State
    next_attempt_at: datetime
    error: str | None  # None when delivered


def after_attempt(
    attempts: int,
    answer: Answer,
    now: datetime,
    policy: DeliveryPolicy,
    *,
    endpoint_healthy: bool,
    jitter: Jitter = random.uniform,
) -> Outcome:
    """The delivery after its ``attempts``-th attempt got ``answer``. A retryable failure
    is given up after the maximum attempts, but only while the endpoint counted as healthy:
    the deliveries of an unhealthy endpoint wait for it."""
    verdict = answer.verdict
    if verdict == "delivered":
        return Outcome("delivered", now, None)
    if verdict == "rejected":
        return Outcome("failed", now, f"{answer.describe()}: refused, not retried")
    if attempts >= policy.max_attempts and endpoint_healthy:
        return Outcome("failed", now, f"{answer.describe()}: gave up after {attempts} attempts")
    wait = backoff_s(attempts, policy, jitter)
    asked = retry_after_s(answer.retry_after, now)
    if asked is not None:
        wait = max(wait, min(asked, policy.retry_after_max_s))
    return Outcome("pending", now + timedelta(seconds=wait), answer.describe())


@dataclass(frozen=True)
class Health:
    """An endpoint's health: failures in a row, and while unhealthy when the next probe may
    go."""

    healthy: bool = True
    failures: int = 0
    probe_at: datetime | None = None

    def may_send(self, now: datetime) -> bool:
        """Healthy, or unhealthy with a probe due."""
        return self.healthy or (self.probe_at is not None and self.probe_at <= now)

    def after(self, answer: Answer, now: datetime, policy: DeliveryPolicy) -> Health:
        verdict = answer.verdict
        if verdict == "delivered":
            return Health()
        if verdict == "rejected":  # the endpoint answered: no sign of an outage
            return self
        failures = self.failures + 1
        if not self.healthy or failures >= policy.unhealthy_after:
            return Health(False, failures, now + timedelta(seconds=policy.cooldown_s))
        return Health(True, failures, None)
