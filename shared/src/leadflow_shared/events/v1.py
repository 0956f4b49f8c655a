"""Version 1 of the leadflow events (CONTRACT.md, "Kafka topics").

Each event is an :class:`Envelope` with a ``type`` literal and a typed ``data`` payload.
Within v1 only additive changes are allowed; golden samples in ``samples/`` pin the shape.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from leadflow_shared.events.envelope import Envelope, Frozen

CtaType = Literal[
    "demo_request",
    "contact_sales",
    "pricing",
    "trial_signup",
    "quote_request",
    "content_download",
    "webinar",
    "newsletter",
    "event",
    "other",
]
Temperature = Literal["cold", "warm", "hot"]
LifecycleStatus = Literal["suspect", "lead", "mql", "sql"]
AssigneeKind = Literal["rep", "partner", "queue", "nurture"]
FeedbackOutcome = Literal["accepted", "rejected", "contacted", "converted", "junk", "dead"]
# why a lead was scored: it arrived verified, the same person did something new (a repeat
# submission, feedback), its engagement decayed, or new rules were promoted
ScoreTrigger = Literal["verified", "activity", "decay", "promote"]


class Cta(Frozen):
    type: CtaType = "other"
    page_url: str | None = None


class Utm(Frozen):
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    term: str | None = None
    content: str | None = None


class Consent(Frozen):
    marketing: bool = False
    text: str | None = None
    given_at: AwareDatetime | None = None


class BantAnswers(Frozen):
    budget: str | None = None
    authority: str | None = None
    need: str | None = None
    timeline: str | None = None


class LeadSubmission(Frozen):
    """What a website or webhook told us, as received (after trimming)."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    job_title: str | None = None
    website: str | None = None
    country: str | None = None
    city: str | None = None
    message: str | None = None
    language: str | None = None
    cta: Cta = Field(default_factory=Cta)
    utm: Utm = Field(default_factory=Utm)
    consent: Consent = Field(default_factory=Consent)
    bant: BantAnswers = Field(default_factory=BantAnswers)
    custom: dict[str, Any] = Field(default_factory=dict)


class SubmissionContext(Frozen):
    """Where and how the submission arrived. The client IP is only ever a salted hash."""

    received_at: AwareDatetime
    channel: Literal["webhook", "form"] = "webhook"
    ip_hash: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    page_url: str | None = None
    idempotency_key: str | None = None


class ContactDetails(Frozen):
    """A lead's contact details after verification and washing."""

    email: str | None = None
    phone: str | None = None  # E.164
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    job_title: str | None = None
    website: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    city: str | None = None
    language: str | None = None


CheckStatus = Literal["passed", "failed", "flagged", "unknown"]
VerificationOutcome = Literal["verified", "needs_review"]


class Check(Frozen):
    """One check of one field, with its evidence. ``passed`` is False only when the check
    failed; a check can pass and still raise findings (a disposable domain is a valid
    address) or read "unknown" (no DNS answer). ``findings`` are the codes the verification
    policy maps to reject, review or flag."""

    name: str
    passed: bool
    evidence: str
    status: CheckStatus | None = None  # None in events written before it existed
    field: str | None = None
    before: str | None = None  # the value as given
    after: str | None = None  # the value as washed
    looked_up: str | None = None  # what was looked up, e.g. "MX example.com"
    duration_ms: float | None = None
    findings: tuple[str, ...] = ()
    suggestion: str | None = None  # e.g. a typo's likely fix: "ann@gmail.com"


class DuplicateMatch(Frozen):
    """How a repeat lead matched an earlier one."""

    on: Literal["email", "phone", "name_company"]
    score: float  # 100 for an exact match; rapidfuzz's ratio for a near one
    evidence: str


class Reason(Frozen):
    code: str
    message: str
    field: str | None = None


class ScoreContribution(Frozen):
    rule: str
    points: int
    reason: str
    # the score it counts toward; None in events written before scores had two parts
    part: Literal["fit", "engagement"] | None = None


class Assignee(Frozen):
    kind: AssigneeKind
    id: str


# --- payloads -------------------------------------------------------------------------


class LeadCapturedData(Frozen):
    source_id: str
    submission: LeadSubmission
    context: SubmissionContext
    # Added within v1: the source asks for double opt-in (verify holds the lead until its
    # email address is confirmed).
    double_opt_in: bool = False


class LeadVerifiedData(Frozen):
    source_id: str
    contact: ContactDetails
    checks: tuple[Check, ...]
    cta: Cta = Field(default_factory=Cta)
    utm: Utm = Field(default_factory=Utm)
    consent: Consent = Field(default_factory=Consent)
    bant: BantAnswers = Field(default_factory=BantAnswers)
    message: str | None = None
    custom: dict[str, Any] = Field(default_factory=dict)
    received_at: AwareDatetime
    # Added within v1: the verification outcome (``needs_review`` is never pushed to a rep),
    # what sent it to review, every finding's code, and the first lead of the same person.
    outcome: VerificationOutcome = "verified"
    review_reasons: tuple[Reason, ...] = ()
    findings: tuple[str, ...] = ()
    duplicate_of: uuid.UUID | None = None
    duplicate_match: DuplicateMatch | None = None


class LeadRejectedData(Frozen):
    source_id: str
    reasons: tuple[Reason, ...]
    checks: tuple[Check, ...] = ()
    received_at: AwareDatetime


class LeadScoredData(Frozen):
    score: int  # fit + engagement: the explanation's points add up to it
    temperature: Temperature
    status: LifecycleStatus
    explanation: tuple[ScoreContribution, ...]
    rules_version: str
    lead: LeadVerifiedData
    # None in events written before scores had two parts
    fit: int | None = None
    engagement: int | None = None
    status_reason: str | None = None
    trigger: ScoreTrigger = "verified"


class LeadRoutedData(Frozen):
    assignee: Assignee
    rule_path: tuple[str, ...]
    reason: str
    score: int
    temperature: Temperature
    status: LifecycleStatus
    source_id: str
    contact: ContactDetails
    cta: Cta = Field(default_factory=Cta)
    received_at: AwareDatetime
    # Added within v1: which routing of the lead this is (1 the first; a claim from a queue
    # or a rejection routes it again) and where it was before (None the first time).
    attempt: int = Field(default=1, ge=1)
    previous: Assignee | None = None


class LeadOfferedData(Frozen):
    """What a partner reseller may see of a lead: contact and interest, no internal scoring."""

    partner_id: str
    contact: ContactDetails
    cta: Cta = Field(default_factory=Cta)
    message: str | None = None
    temperature: Temperature
    offered_at: AwareDatetime


class LeadFeedbackData(Frozen):
    outcome: FeedbackOutcome
    assignee: Assignee
    note: str | None = None
    reported_at: AwareDatetime


class DeadLetterData(Frozen):
    """A message a consumer could not process: the original bytes (base64) and why."""

    consumer: str
    reason: str
    original_topic: str
    original_partition: int
    original_offset: int
    original_key_b64: str | None = None
    original_value_b64: str
    original_headers: dict[str, str] = Field(default_factory=dict)
    failed_at: datetime


# --- events ---------------------------------------------------------------------------


class LeadCaptured(Envelope):
    type: Literal["lead.captured"] = "lead.captured"
    version: Literal[1] = 1
    data: LeadCapturedData


class LeadVerified(Envelope):
    type: Literal["lead.verified"] = "lead.verified"
    version: Literal[1] = 1
    data: LeadVerifiedData


class LeadRejected(Envelope):
    type: Literal["lead.rejected"] = "lead.rejected"
    version: Literal[1] = 1
    data: LeadRejectedData


class LeadScored(Envelope):
    type: Literal["lead.scored"] = "lead.scored"
    version: Literal[1] = 1
    data: LeadScoredData


class LeadRouted(Envelope):
    type: Literal["lead.routed"] = "lead.routed"
    version: Literal[1] = 1
    data: LeadRoutedData


class LeadOffered(Envelope):
    type: Literal["lead.offered"] = "lead.offered"
    version: Literal[1] = 1
    data: LeadOfferedData


class LeadFeedback(Envelope):
    type: Literal["lead.feedback"] = "lead.feedback"
    version: Literal[1] = 1
    data: LeadFeedbackData


class DeadLetter(Envelope):
    type: Literal["dead_letter"] = "dead_letter"
    version: Literal[1] = 1
    data: DeadLetterData


Event = Annotated[
    LeadCaptured
    | LeadVerified
    | LeadRejected
    | LeadScored
    | LeadRouted
    | LeadOffered
    | LeadFeedback
    | DeadLetter,
    Field(discriminator="type"),
]

_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(raw: bytes | str) -> Event:
    """Decode one event from its JSON envelope; raises ``pydantic.ValidationError``."""
    return _EVENT_ADAPTER.validate_json(raw)


def event_types() -> dict[str, type[Envelope]]:
    """Every v1 event class by its ``type`` literal."""
    classes: tuple[type[Envelope], ...] = (
        LeadCaptured,
        LeadVerified,
        LeadRejected,
        LeadScored,
        LeadRouted,
        LeadOffered,
        LeadFeedback,
        DeadLetter,
    )
    return {cls.model_fields["type"].default: cls for cls in classes}
