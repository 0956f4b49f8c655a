"""The first scoring rule set: intent (CTA), BANT answers, fit and consent.

Every rule looks at a verified lead and contributes points with a reason a sales rep can
read; the score is their sum, bounded to 0..100. Temperature follows the score; the
lifecycle status also asks how much of BANT the lead confirmed. Changing any number here
means a new ``RULES_VERSION``, so that every score can be traced to the rules behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from leadflow_score.rules.domain.bant import read_authority, read_budget, read_need, read_timeline
from leadflow_shared.events.v1 import (
    CtaType,
    LeadVerifiedData,
    LifecycleStatus,
    ScoreContribution,
    Temperature,
)

RULES_VERSION = "2026-11-23.1"

HOT_AT = 60
WARM_AT = 30
MQL_AT = 30
SQL_MIN_POSITIVE_BANT = 3
HIGH_INTENT_CTAS: frozenset[CtaType] = frozenset({"demo_request", "contact_sales", "quote_request"})

CTA_POINTS: dict[CtaType, tuple[int, str]] = {
    "demo_request": (30, "asked for a demo"),
    "contact_sales": (30, "asked to talk to sales"),
    "quote_request": (30, "asked for a quote"),
    "pricing": (15, "asked about pricing"),
    "trial_signup": (15, "signed up for a trial"),
    "webinar": (5, "registered for a webinar"),
    "event": (5, "registered for an event"),
    "content_download": (5, "downloaded content"),
    "newsletter": (2, "subscribed to the newsletter"),
    "other": (2, "sent a form"),
}
BUDGET_POINTS = {"positive": 10, "negative": -15}
AUTHORITY_POINTS = {"positive": 15, "negative": -5}
NEED_POINTS = {"positive": 10, "negative": -10}
TIMELINE_POINTS = {"soon": 15, "later": 5, "negative": -10}
FIT_POINTS = 10
CONSENT_POINTS = 5

Rule = Callable[[LeadVerifiedData], ScoreContribution | None]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A lead's score with the contributions that explain it."""

    score: int
    temperature: Temperature
    status: LifecycleStatus
    explanation: tuple[ScoreContribution, ...]
    rules_version: str


def _quote(answer: str | None, limit: int = 60) -> str:
    text = " ".join((answer or "").split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def cta_rule(lead: LeadVerifiedData) -> ScoreContribution | None:
    """Intent shown by the call to action the lead clicked."""
    points, reason = CTA_POINTS[lead.cta.type]
    return ScoreContribution(rule=f"cta.{lead.cta.type}", points=points, reason=reason)


@dataclass(frozen=True, slots=True)
class BantQuestion:
    """One BANT answer's rule: how to read it, and the points and reason per reading."""

    field: str  # budget, authority, need, timeline
    read: Callable[[str | None], str | None]
    points: dict[str, int]
    reasons: dict[str, str]

    def __call__(self, lead: LeadVerifiedData) -> ScoreContribution | None:
        answer: str | None = getattr(lead.bant, self.field)
        reading = self.read(answer)
        if reading is None or reading not in self.reasons:
            return None
        return ScoreContribution(
            rule=f"bant.{self.field}",
            points=self.points[reading],
            reason=f"{self.reasons[reading]}: {_quote(answer)}",
        )


budget_rule = BantQuestion(
    "budget",
    read_budget,
    BUDGET_POINTS,
    {"positive": "has a budget", "negative": "has no budget"},
)
authority_rule = BantQuestion(
    "authority",
    read_authority,
    AUTHORITY_POINTS,
    {"positive": "is a decision maker", "negative": "is not a decision maker"},
)
need_rule = BantQuestion(
    "need",
    read_need,
    NEED_POINTS,
    {"positive": "stated a need", "negative": "stated no need"},
)
timeline_rule = BantQuestion(
    "timeline",
    read_timeline,
    TIMELINE_POINTS,
    {
        "soon": "plans to buy within 3 months",
        "later": "plans to buy later than 3 months",
        "negative": "has no buying timeline",
    },
)


def fit_rule(lead: LeadVerifiedData) -> ScoreContribution | None:
    """A lead who names both their company and their role is worth a sales call."""
    company, title = lead.contact.company, lead.contact.job_title
    if not (company and title):
        return None
    reason = f"gave company {_quote(company)} and job title {_quote(title)}"
    return ScoreContribution(rule="fit.company_and_title", points=FIT_POINTS, reason=reason)


def consent_rule(lead: LeadVerifiedData) -> ScoreContribution | None:
    if not lead.consent.marketing:
        return None
    reason = "agreed to receive marketing"
    return ScoreContribution(rule="consent.marketing", points=CONSENT_POINTS, reason=reason)


RULES: tuple[Rule, ...] = (
    cta_rule,
    budget_rule,
    authority_rule,
    need_rule,
    timeline_rule,
    fit_rule,
    consent_rule,
)


def positive_bant(lead: LeadVerifiedData) -> int:
    """How many BANT answers are positive (a timeline counts only when it is soon)."""
    return sum(
        (
            read_budget(lead.bant.budget) == "positive",
            read_authority(lead.bant.authority) == "positive",
            read_need(lead.bant.need) == "positive",
            read_timeline(lead.bant.timeline) == "soon",
        )
    )


def temperature_for(score: int) -> Temperature:
    """hot from ``HOT_AT`` points, warm from ``WARM_AT``, cold below."""
    if score >= HOT_AT:
        return "hot"
    if score >= WARM_AT:
        return "warm"
    return "cold"


def status_for(lead: LeadVerifiedData, score: int) -> LifecycleStatus:
    """sql, mql, lead or suspect.

    SQL needs a hot lead that confirmed at least three BANT answers, or a hot lead asking
    for a demo, sales or a quote who decides and buys soon (with no negative answers
    such a lead is hot on those points alone).
    """
    if temperature_for(score) == "hot":
        decides_soon = (
            read_authority(lead.bant.authority) == "positive"
            and read_timeline(lead.bant.timeline) == "soon"
        )
        if positive_bant(lead) >= SQL_MIN_POSITIVE_BANT or (
            lead.cta.type in HIGH_INTENT_CTAS and decides_soon
        ):
            return "sql"
    if score >= MQL_AT:
        return "mql"
    if lead.contact.email or lead.contact.phone:
        return "lead"
    return "suspect"


def score_lead(lead: LeadVerifiedData) -> ScoreResult:
    """Apply every rule; the explanation lists each non-zero contribution in rule order."""
    contributions = tuple(
        contribution
        for rule in RULES
        if (contribution := rule(lead)) is not None and contribution.points != 0
    )
    score = max(0, min(100, sum(c.points for c in contributions)))
    return ScoreResult(
        score=score,
        temperature=temperature_for(score),
        status=status_for(lead, score),
        explanation=contributions,
        rules_version=RULES_VERSION,
    )
