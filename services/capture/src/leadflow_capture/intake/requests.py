"""What JSON webhooks and HTML forms share on the way in: the source, rate limits, the
request's context, and handing the lead to the (group-committed) capture use case.

Requests are seen as their headers (by lower-case name) and the client's address, so that
a bare ASGI endpoint and a FastAPI route can share all of it."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from prometheus_client import Counter, Gauge
from pydantic import ValidationError

from leadflow_capture.intake.admission import REASONS, Shed
from leadflow_capture.intake.handlers import Captured, CaptureRequest, Outcome, count_spam
from leadflow_capture.intake.ratelimit import RateLimiter
from leadflow_capture.intake.schemas import LeadIn
from leadflow_capture.settings import CaptureSettings
from leadflow_capture.sources.domain import Source
from leadflow_capture.sources.registry import SourceRegistry
from leadflow_shared.db import Database
from leadflow_shared.errors import (
    BadRequest,
    LeadflowError,
    TooManyRequests,
    Unavailable,
    Unprocessable,
)
from leadflow_shared.events.v1 import SubmissionContext
from leadflow_shared.http import unprocessable
from leadflow_shared.urls import web_url

SPAM = Counter(
    "leadflow_capture_spam_total", "Submissions counted but not captured", ["source", "reason"]
)
ACCEPTED = Counter(
    "leadflow_capture_accepted_total", "Submissions accepted", ["source", "channel", "replayed"]
)

SHED = Counter(
    "leadflow_capture_shed_total",
    "Submissions refused with 503 overloaded before any transaction took them (nothing stored)"
    ": queue_full, too_slow (refused on arrival), deadline (waited past the bound)",
    ["channel", "reason"],
)
WAITING = Gauge(
    "leadflow_capture_commit_waiting", "Submissions waiting for a transaction to take them"
)
for _channel in ("webhook", "form"):
    for _reason in REASONS:
        SHED.labels(_channel, _reason)  # every series exists from the start, at 0

# (request, when it arrived on the monotonic clock) → its outcome, once stored or refused
Submit = Callable[[CaptureRequest, float], Awaitable[Outcome]]
Admit = Callable[[float], None]


@functools.lru_cache(maxsize=4096)
def _accepted(source_id: str, channel: str, replayed: bool) -> Counter:
    """The counter's child for these labels (looking it up costs more than counting)."""
    return ACCEPTED.labels(source_id, channel, str(replayed).lower())


def idempotency_key(header: str | None) -> str | None:
    """The Idempotency-Key header's value: blank is none; over 255 characters is refused."""
    key = (header or "").strip()
    if len(key) > 255:
        raise Unprocessable(
            "the Idempotency-Key is too long",
            details=[{"field": "Idempotency-Key", "message": "at most 255 characters"}],
        )
    return key or None


def media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def parse_lead(payload: Any) -> LeadIn:
    try:
        return LeadIn.model_validate(payload)
    except ValidationError as exc:
        raise unprocessable(exc, "the lead") from None


class Intake:
    def __init__(
        self,
        *,
        settings: CaptureSettings,
        db: Database,
        registry: SourceRegistry,
        submit: Submit,
        admit: Admit | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.registry = registry
        self.submit = submit
        self._admit = admit
        self.per_source = RateLimiter(max_keys=10_000)
        self.per_ip = RateLimiter()

    async def source(self, source_id: str | None) -> Source:
        if not source_id:
            raise BadRequest("the X-Leadflow-Source header is required", code="missing_source")
        source = await self.registry.get(source_id)
        if source is None:
            raise BadRequest(f"unknown source {source_id!r}", code="unknown_source")
        return source

    def limit_source(self, source: Source) -> None:
        rate = source.rate_limit_per_second
        wait = self.per_source.take(source.id, rate=rate, burst=rate)
        if wait:
            raise TooManyRequests(f"source {source.id} is over its rate limit", retry_after=wait)

    def limit_ip(self, source: Source, headers: Mapping[str, str], client: str | None) -> None:
        per_minute = source.rate_limit_per_ip_per_minute
        key = f"{source.id}:{self.client_ip(headers, client)}"
        wait = self.per_ip.take(key, rate=per_minute / 60, burst=max(3, per_minute // 6))
        if wait:
            raise TooManyRequests("too many submissions from your address", retry_after=wait)

    def client_ip(self, headers: Mapping[str, str], client: str | None) -> str:
        if self.settings.trust_forwarded_for:
            # The address our proxy saw is the last one: it appends it; clients write the rest.
            forwarded = headers.get("x-forwarded-for", "")
            if forwarded.strip():
                return forwarded.split(",")[-1].strip()
        return client or "unknown"

    def context(
        self,
        headers: Mapping[str, str],
        client: str | None,
        *,
        channel: Literal["webhook", "form"],
        page_url: str | None,
        idempotency_key: str | None,
    ) -> SubmissionContext:
        salted = f"{self.settings.ip_hash_salt}:{self.client_ip(headers, client)}".encode()
        return SubmissionContext(
            received_at=datetime.now(UTC),
            channel=channel,
            ip_hash=hashlib.sha256(salted).hexdigest(),
            user_agent=(headers.get("user-agent") or "")[:512] or None,
            # the page a lead came from, only as an http(s) address (never javascript: …)
            referrer=web_url((headers.get("referer") or "")[:2048]),
            page_url=web_url(page_url),
            idempotency_key=idempotency_key,
        )

    def admit(self, arrived: float, channel: str) -> None:
        """Refuse at once (503 ``overloaded``) a request that arrived at ``arrived`` (the
        monotonic clock) when capture could not store it in time: checked before the body
        is read and parsed, so that shedding load costs little."""
        if self._admit is not None:
            try:
                self._admit(arrived)
            except Shed as shed:
                raise overloaded(shed, channel) from None

    async def capture(self, request: CaptureRequest, arrived: float) -> Captured:
        """Store the lead (group commit) and answer its outcome; ``arrived``: when its
        request came, on the monotonic clock (its bound for load shedding counts from
        then)."""
        try:
            outcome = await self.submit(request, arrived)
        except Shed as shed:
            raise overloaded(shed, request.context.channel) from None
        if isinstance(outcome, LeadflowError):
            raise outcome
        _accepted(request.source.id, request.context.channel, outcome.replayed).inc()
        return outcome

    async def count_spam(self, source: Source, reason: str) -> None:
        SPAM.labels(source.id, reason).inc()
        await count_spam(self.db.unit_of_work(), source.id, reason)


def overloaded(shed: Shed, channel: str) -> Unavailable:
    SHED.labels(channel, shed.reason).inc()
    return Unavailable(
        "capture is overloaded and did not store the lead; retry later",
        code="overloaded",
        retry_after=shed.retry_after_s,
    )
