"""Building verified leads for score's unit tests, the example rules, and the check that
a score's explanation adds up."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leadflow_score.rules.domain.ruleset import RuleSet, read_rules
from leadflow_score.rules.domain.scoring import Feedback, Score, Subject, Submission
from leadflow_shared.events.v1 import (
    BantAnswers,
    Consent,
    ContactDetails,
    Cta,
    CtaType,
    FeedbackOutcome,
    LeadVerifiedData,
)

ROOT = Path(__file__).resolve().parents[4]
EXAMPLE = ROOT / "deploy" / "examples" / "score-rules.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
RULES: RuleSet = read_rules(EXAMPLE_TEXT, "example")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # when the lead under test arrived
LEAD_ID = uuid.UUID(int=1)
OTHER_LEAD_ID = uuid.UUID(int=2)

TEMPERATURES = ("cold", "warm", "hot")
STATUSES = ("suspect", "lead", "mql", "sql")


def make_lead(
    *,
    title: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    country: str | None = None,
    website: str | None = None,
    cta: CtaType = "other",
    page: str | None = None,
    bant: BantAnswers | None = None,
    custom: dict[str, Any] | None = None,
    findings: tuple[str, ...] = (),
    consent: bool = False,
    received_at: datetime = T0,
) -> LeadVerifiedData:
    return LeadVerifiedData(
        source_id="website",
        contact=ContactDetails(
            email=email,
            phone=phone,
            first_name="Sam",
            last_name="Rivera",
            job_title=title,
            website=website,
            country=country,
        ),
        checks=(),
        cta=Cta(type=cta, page_url=page),
        consent=Consent(marketing=consent),
        bant=bant or BantAnswers(),
        custom=custom or {},
        received_at=received_at,
        findings=findings,
    )


def subject(
    lead: LeadVerifiedData,
    others: tuple[Submission, ...] = (),
    feedback: tuple[Feedback, ...] = (),
) -> Subject:
    return Subject(LEAD_ID, lead, others, feedback)


def sent(cta: CtaType, before: timedelta, page: str | None = None) -> Submission:
    """Another form the same person sent ``before`` the lead under test arrived."""
    return Submission(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{cta}{before}{page}"), T0 - before, cta, page
    )


def reported(outcome: FeedbackOutcome, after: timedelta, on_this_lead: bool = True) -> Feedback:
    """Feedback reported ``after`` the lead under test arrived."""
    return Feedback(LEAD_ID if on_this_lead else OTHER_LEAD_ID, T0 + after, outcome)


def assert_adds_up(given: Score) -> None:
    """The explanation adds up to the score, part by part, with no zero-point entries."""
    points = [c.points for c in given.explanation]
    assert sum(points) == given.score == given.fit + given.engagement
    assert given.fit == sum(c.points for c in given.explanation if c.part == "fit")
    assert given.engagement == sum(c.points for c in given.explanation if c.part == "engagement")
    assert all(c.part in ("fit", "engagement") for c in given.explanation)
    assert 0 not in points
