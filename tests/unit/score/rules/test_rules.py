"""The first scoring rule set: points, temperature, lifecycle status and explanation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from leadflow_score.rules.domain.bant import read_authority, read_budget, read_need, read_timeline
from leadflow_score.rules.domain.rules import (
    HOT_AT,
    RULES_VERSION,
    WARM_AT,
    ScoreResult,
    score_lead,
    temperature_for,
)
from leadflow_shared.events.v1 import (
    BantAnswers,
    Consent,
    ContactDetails,
    Cta,
    CtaType,
    LeadVerifiedData,
)

FULL_BANT = BantAnswers(
    budget="$50k approved", authority="Yes, I sign off", need="Route leads faster", timeline="now"
)


def lead(
    cta: CtaType = "other",
    bant: BantAnswers | None = None,
    *,
    company: str | None = None,
    job_title: str | None = None,
    marketing: bool = False,
    email: str | None = "anna@example.com",
) -> LeadVerifiedData:
    return LeadVerifiedData(
        source_id="web-form",
        contact=ContactDetails(email=email, company=company, job_title=job_title, country="US"),
        checks=(),
        cta=Cta(type=cta),
        bant=bant or BantAnswers(),
        consent=Consent(marketing=marketing),
        received_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )


def points(result: ScoreResult) -> dict[str, int]:
    return {c.rule: c.points for c in result.explanation}


# --- the two ends of the scale --------------------------------------------------------


def test_demo_request_with_full_positive_bant_from_a_us_lead_is_hot_and_sql() -> None:
    result = score_lead(
        lead("demo_request", FULL_BANT, company="Acme", job_title="CTO", marketing=True)
    )

    assert result.temperature == "hot"
    assert result.status == "sql"
    assert result.score >= HOT_AT
    assert set(points(result)) == {
        "cta.demo_request",
        "bant.budget",
        "bant.authority",
        "bant.need",
        "bant.timeline",
        "fit.company_and_title",
        "consent.marketing",
    }
    assert all(p > 0 for p in points(result).values())


def test_newsletter_signup_is_cold_and_a_plain_lead() -> None:
    result = score_lead(lead("newsletter", marketing=True))

    assert result.temperature == "cold"
    assert result.status == "lead"
    assert result.score < WARM_AT
    assert set(points(result)) == {"cta.newsletter", "consent.marketing"}


# --- rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        ("demo_request", "pricing"),
        ("contact_sales", "trial_signup"),
        ("quote_request", "pricing"),
        ("pricing", "webinar"),
        ("trial_signup", "content_download"),
        ("event", "newsletter"),
        ("webinar", "other"),
    ],
)
def test_cta_intent_ranks_high_medium_low_minimal(higher: CtaType, lower: CtaType) -> None:
    assert score_lead(lead(higher)).score > score_lead(lead(lower)).score


def test_high_intent_ctas_score_alike() -> None:
    scores = {
        score_lead(lead(cta)).score for cta in ("demo_request", "contact_sales", "quote_request")
    }
    assert len(scores) == 1


def test_negative_bant_answers_take_points_away() -> None:
    negative = BantAnswers(
        budget="no budget",
        authority="not the decision maker",
        need="just looking",
        timeline="no timeline",
    )
    result = score_lead(lead("demo_request", negative))

    bant = {rule: p for rule, p in points(result).items() if rule.startswith("bant.")}
    assert set(bant) == {"bant.budget", "bant.authority", "bant.need", "bant.timeline"}
    assert all(p < 0 for p in bant.values())
    assert result.score < score_lead(lead("demo_request")).score
    assert result.status != "sql"


def test_unclear_answers_neither_add_nor_remove_points() -> None:
    unclear = BantAnswers(budget="not sure", authority="I recommend", need="?", timeline="tbd")

    assert score_lead(lead("pricing", unclear)) == score_lead(lead("pricing"))


def test_company_and_job_title_bonus_needs_both() -> None:
    both = points(score_lead(lead(company="Acme", job_title="CTO")))
    only_company = points(score_lead(lead(company="Acme")))

    assert both["fit.company_and_title"] > 0
    assert "fit.company_and_title" not in only_company


def test_marketing_consent_is_a_small_bonus() -> None:
    bonus = points(score_lead(lead(marketing=True)))["consent.marketing"]

    assert 0 < bonus <= 5


def test_timeline_later_scores_less_than_soon_and_more_than_none() -> None:
    def timeline_points(answer: str) -> int:
        return points(score_lead(lead(bant=BantAnswers(timeline=answer)))).get("bant.timeline", 0)

    assert timeline_points("this quarter") > timeline_points("6-12 months") > 0
    assert timeline_points("just looking") < 0


def test_score_never_goes_below_zero() -> None:
    negative = BantAnswers(budget="none", authority="no", need="no", timeline="never")

    assert score_lead(lead("newsletter", negative)).score == 0


# --- temperature and status thresholds ------------------------------------------------


@pytest.mark.parametrize(
    ("score", "temperature"),
    [(0, "cold"), (29, "cold"), (30, "warm"), (59, "warm"), (60, "hot"), (100, "hot")],
)
def test_temperature_thresholds(score: int, temperature: str) -> None:
    assert temperature_for(score) == temperature


def test_hot_with_three_positive_bant_answers_is_sql() -> None:
    # pricing 15 + budget 10 + authority 15 + need 10 + fit 10 = 60: hot, no timeline.
    bant = BantAnswers(budget="20k", authority="decision maker", need="a new CRM")
    result = score_lead(lead("pricing", bant, company="Acme", job_title="COO"))

    assert result.score == 60
    assert (result.temperature, result.status) == ("hot", "sql")


def test_hot_with_two_positive_bant_answers_is_only_mql() -> None:
    # pricing 15 + authority 15 + need 10 + timeline later 5 + fit 10 + consent 5 = 60.
    bant = BantAnswers(authority="yes", need="a new CRM", timeline="6-12 months")
    result = score_lead(lead("pricing", bant, company="Acme", job_title="COO", marketing=True))

    assert result.temperature == "hot"
    assert result.status == "mql"


def test_demo_request_from_a_decision_maker_buying_soon_is_sql() -> None:
    bant = BantAnswers(authority="CEO", timeline="1-3 months")
    result = score_lead(lead("demo_request", bant))

    assert (result.temperature, result.status) == ("hot", "sql")


def test_trial_signup_from_a_decision_maker_buying_soon_is_not_sql() -> None:
    bant = BantAnswers(authority="CEO", timeline="1-3 months")
    result = score_lead(lead("trial_signup", bant))

    assert result.status == "mql"


def test_warm_lead_from_thirty_points_is_mql() -> None:
    # webinar 5 + budget 10 + need 10 + consent 5 = 30.
    bant = BantAnswers(budget="yes", need="better reporting")
    result = score_lead(lead("webinar", bant, marketing=True))

    assert result.score == 30
    assert (result.temperature, result.status) == ("warm", "mql")


def test_low_score_without_any_contact_is_a_suspect() -> None:
    assert score_lead(lead("newsletter", email=None)).status == "suspect"


# --- explanation ----------------------------------------------------------------------


def test_explanation_lists_every_non_zero_contribution_with_a_reason() -> None:
    bant = BantAnswers(budget="no budget", authority="yes", need="not sure", timeline="now")
    result = score_lead(lead("contact_sales", bant, company="Acme", job_title="VP Sales"))

    assert [c.rule for c in result.explanation] == [
        "cta.contact_sales",
        "bant.budget",
        "bant.authority",
        "bant.timeline",
        "fit.company_and_title",
    ]
    assert all(c.points != 0 and c.reason for c in result.explanation)
    assert sum(c.points for c in result.explanation) == result.score
    reasons = {c.rule: c.reason for c in result.explanation}
    assert "'no budget'" in reasons["bant.budget"]
    assert "'Acme'" in reasons["fit.company_and_title"]


def test_long_answers_are_shortened_in_reasons() -> None:
    need = "x" * 500
    (reason,) = [
        c.reason
        for c in score_lead(lead(bant=BantAnswers(need=need))).explanation
        if c.rule == "bant.need"
    ]
    assert len(reason) < 100


def test_rules_version_is_stamped_on_every_result() -> None:
    assert score_lead(lead()).rules_version == RULES_VERSION
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.\d+", RULES_VERSION)


# --- reading BANT answers -------------------------------------------------------------


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
