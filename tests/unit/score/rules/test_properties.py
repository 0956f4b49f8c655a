"""Properties of scoring under the example rules, over generated leads: the explanation
adds up, scoring is deterministic, positive signals never lower a score, and decay only
ever takes engagement away."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow_score.rules.domain.ruleset import read_rules
from leadflow_score.rules.domain.scoring import (
    Feedback,
    Score,
    Subject,
    Submission,
    decayed,
    score,
)
from leadflow_shared.events.v1 import BantAnswers, CtaType, FeedbackOutcome
from tests.unit.score.rules.leads import (
    EXAMPLE_TEXT,
    LEAD_ID,
    OTHER_LEAD_ID,
    RULES,
    STATUSES,
    T0,
    TEMPERATURES,
    assert_adds_up,
    make_lead,
)

SETTINGS = settings(max_examples=100, deadline=None, database=None)

TITLES = [
    None,
    "CEO",
    "Chief Technology Officer",
    "Founder",
    "Geschäftsführer",
    "VP Sales",
    "VP of Marketing",
    "Director of Engineering",
    "Head of IT",
    "HR Director",
    "Marketing Manager",
    "Software Engineer",
    "Account Executive",
    "Consultant",
    "Assistant to the CEO",
    "Ex-CEO",
    "Student",
    "Marketing Intern",
]
# (domain, verify's findings for it)
DOMAINS: list[tuple[str | None, tuple[str, ...]]] = [
    ("gmail.com", ("free_mail",)),
    ("outlook.com", ("free_mail",)),
    ("mit.edu", ()),
    ("cs.ox.ac.uk", ()),
    ("competitor.example", ()),
    ("eu.rival.example", ()),
    ("acme-robotics.com", ()),
    ("kraftwerk.de", ()),
    ("mailinator.com", ("disposable_domain",)),
]
FINDINGS = [
    "role_account",
    "gibberish_name",
    "placeholder_name",
    "contact_in_name",
    "no_mail_domain",
    "email_typo",
    "phone_country_mismatch",
    "domain_mismatch",
]
CTAS: list[CtaType] = [
    "demo_request",
    "contact_sales",
    "quote_request",
    "pricing",
    "trial_signup",
    "content_download",
    "webinar",
    "event",
    "newsletter",
    "other",
]
BUDGETS = [None, "$50k", "yes", "approved", "no budget", "none", "not sure"]
AUTHORITIES = [None, "yes", "I sign off", "not the decision maker", "my boss decides", "tbd"]
NEEDS = [None, "replace our spreadsheets", "yes", "just looking", "no need", "?"]
TIMELINES = [None, "asap", "this quarter", "1-3 months", "next year", "never", "not sure"]
COUNTRIES = [None, "US", "DE", "NO", "GB", "FR", "IN", "BR"]
SIZES: list[object] = [None, 12, "250", "50-200", "1,000+", "10k", "lots"]
INDUSTRIES = [None, "Software", "financial services", "retail", "Healthcare"]
PAGES = [None, "https://x.example/pricing", "https://x.example/demo", "https://x.example/blog/a"]
OUTCOMES: list[FeedbackOutcome] = ["accepted", "rejected", "contacted", "converted", "junk", "dead"]
POSITIVE_OUTCOMES: list[FeedbackOutcome] = ["accepted", "contacted", "converted"]
HOURS = 24 * 400
AGAIN = read_rules(EXAMPLE_TEXT, "example, read again")

hours = st.integers(min_value=0, max_value=HOURS).map(lambda h: timedelta(hours=h))
# strategies built once: building them in every draw costs more than the scoring
cta_s = st.sampled_from(CTAS)
submissions = st.builds(
    Submission,
    st.integers(min_value=10, max_value=2**64).map(lambda n: uuid.UUID(int=n)),
    st.integers(min_value=-24 * 10, max_value=HOURS).map(lambda h: T0 - timedelta(hours=h)),
    cta_s,
    st.sampled_from(PAGES),
)


def feedbacks(outcomes: list[FeedbackOutcome] = OUTCOMES) -> st.SearchStrategy[Feedback]:
    return st.builds(
        Feedback,
        st.sampled_from([LEAD_ID, OTHER_LEAD_ID]),
        st.integers(min_value=-HOURS, max_value=HOURS).map(lambda h: T0 + timedelta(hours=h)),
        st.sampled_from(outcomes),
    )


def _fields(
    domain: tuple[str | None, tuple[str, ...]],
    findings: list[str],
    size: object,
    industry: str | None,
    **fields: Any,
) -> dict[str, Any]:
    name, domain_findings = domain
    custom = {"company_size": size, "industry": industry}
    return fields | {
        "email": f"sam@{name}" if name else None,
        "findings": (*domain_findings, *findings),
        "custom": {key: value for key, value in custom.items() if value is not None},
        "received_at": T0,
    }


# the keyword arguments of make_lead
leads = st.builds(
    _fields,
    domain=st.sampled_from([(None, ()), *DOMAINS]),
    findings=st.just([]) | st.lists(st.sampled_from(FINDINGS), unique=True, max_size=3),
    size=st.sampled_from(SIZES),
    industry=st.sampled_from(INDUSTRIES),
    title=st.sampled_from(TITLES),
    phone=st.sampled_from([None, "+4930123456"]),
    country=st.sampled_from(COUNTRIES),
    website=st.sampled_from([None, "https://www.competitor.example", "acme.com"]),
    cta=cta_s,
    page=st.sampled_from(PAGES),
    bant=st.builds(
        BantAnswers,
        budget=st.sampled_from(BUDGETS),
        authority=st.sampled_from(AUTHORITIES),
        need=st.sampled_from(NEEDS),
        timeline=st.sampled_from(TIMELINES),
    ),
    consent=st.booleans(),
)


def _case(
    fields: dict[str, Any], others: list[Submission], feedback: list[Feedback], age: timedelta
) -> tuple[Subject, datetime]:
    return Subject(LEAD_ID, make_lead(**fields), tuple(others), tuple(feedback)), T0 + age


# a lead with its person's activity, and when it is scored
cases = st.builds(
    _case,
    leads,
    st.lists(submissions, max_size=6),
    st.lists(feedbacks(), max_size=3),
    hours,
)


def _with(subject: Subject, **fields: Any) -> Subject:
    """``subject`` with its lead's fields changed (the rest kept)."""
    lead = subject.lead
    current = {
        "title": lead.contact.job_title,
        "email": lead.contact.email,
        "phone": lead.contact.phone,
        "country": lead.contact.country,
        "website": lead.contact.website,
        "cta": lead.cta.type,
        "page": lead.cta.page_url,
        "bant": lead.bant,
        "custom": dict(lead.custom),
        "findings": lead.findings,
        "consent": lead.consent.marketing,
        "received_at": lead.received_at,
    }
    return replace(subject, lead=make_lead(**(current | fields)))


def _at_least(after: Score, before: Score) -> None:
    """``after`` scores no lower than ``before``, nor is it colder or at a lower status."""
    assert after.score >= before.score
    assert TEMPERATURES.index(after.temperature) >= TEMPERATURES.index(before.temperature)
    assert STATUSES.index(after.status) >= STATUSES.index(before.status), (
        before.status_reason,
        after.status_reason,
    )


# --- the explanation ------------------------------------------------------------------


@SETTINGS
@given(cases)
def test_the_explanation_adds_up(case: tuple[Subject, datetime]) -> None:
    subject, as_of = case
    given_score = score(subject, RULES, as_of)
    assert_adds_up(given_score)
    for c in given_score.explanation:
        family = c.rule.split(".", 1)[0]
        assert family in ("fit", "bant", "negative", "intent", "engagement")
        assert c.part == ("engagement" if family in ("intent", "engagement") else "fit")
        assert c.reason.strip()
    assert given_score.status_reason.startswith(f"{given_score.status}: ")


@SETTINGS
@given(cases)
def test_temperature_and_status_follow_the_score(
    case: tuple[Subject, datetime],
) -> None:
    """With the example rules: hot from 60, warm from 30; sql needs 60, mql 30; a lead
    without a status of its own is a lead when it gave an email or a phone."""
    subject, as_of = case
    given_score = score(subject, RULES, as_of)
    total = given_score.score
    assert given_score.temperature == ("hot" if total >= 60 else "warm" if total >= 30 else "cold")
    has_contact = bool(subject.lead.contact.email or subject.lead.contact.phone)
    if given_score.status == "sql":
        assert total >= 60
    elif total >= 30:
        assert given_score.status == "mql"
    else:
        assert given_score.status == ("lead" if has_contact else "suspect")


# --- determinism ----------------------------------------------------------------------


@SETTINGS
@given(cases)
def test_scoring_is_deterministic(case: tuple[Subject, datetime]) -> None:
    subject, as_of = case
    first = score(subject, RULES, as_of)
    assert score(subject, RULES, as_of) == first
    assert AGAIN is not RULES
    assert AGAIN.version == RULES.version
    assert score(subject, AGAIN, as_of) == first


@SETTINGS
@given(cases, st.randoms(use_true_random=False))
def test_the_order_of_activity_does_not_matter(case: tuple[Subject, datetime], random: Any) -> None:
    subject, as_of = case
    others, feedback = list(subject.others), list(subject.feedback)
    random.shuffle(others)
    random.shuffle(feedback)
    first = score(subject, RULES, as_of)
    shuffled = score(replace(subject, others=tuple(others), feedback=tuple(feedback)), RULES, as_of)
    assert (shuffled.fit, shuffled.engagement, shuffled.temperature, shuffled.status) == (
        first.fit,
        first.engagement,
        first.temperature,
        first.status,
    )
    assert sorted((c.rule, c.points) for c in shuffled.explanation) == sorted(
        (c.rule, c.points) for c in first.explanation
    )


# --- positive signals -----------------------------------------------------------------
#
# Each change below adds a positive signal and changes no other fact. The score never
# falls, so neither does the temperature (a function of the score). The status never falls
# either under the example rules: its conditions look at the score, the positive BANT
# answers (which only grow here), the CTA (a change of CTA to one with more intent points
# never leaves the sql CTAs, which have the most) and the contact (unchanged).


@SETTINGS
@given(cases, st.sampled_from(["budget", "authority", "need", "timeline"]), st.data())
def test_a_positive_bant_answer_never_lowers_the_score(
    case: tuple[Subject, datetime], field: str, data: st.DataObject
) -> None:
    subject, as_of = case
    bant = subject.lead.bant.model_copy(update={field: None})
    before = _with(subject, bant=bant)
    positive = {
        "budget": ["$50k", "yes", "approved"],
        "authority": ["yes", "I sign off"],
        "need": ["replace our spreadsheets", "yes"],
        "timeline": ["asap", "this quarter", "next year"],
    }[field]
    answer = data.draw(st.sampled_from(positive))
    after = _with(subject, bant=bant.model_copy(update={field: answer}))
    was, now = score(before, RULES, as_of), score(after, RULES, as_of)
    _at_least(now, was)
    assert now.score > was.score


@SETTINGS
@given(cases)
def test_marketing_consent_never_lowers_the_score(
    case: tuple[Subject, datetime],
) -> None:
    subject, as_of = case
    was = score(_with(subject, consent=False), RULES, as_of)
    now = score(_with(subject, consent=True), RULES, as_of)
    _at_least(now, was)
    # consent is engagement: its points fade from when the lead arrived, as the rest do
    full = RULES.engagement.marketing_consent
    assert now.score == was.score + decayed(full, subject.lead.received_at, as_of, RULES)


@SETTINGS
@given(cases, submissions)
def test_a_repeat_submission_never_lowers_the_score(
    case: tuple[Subject, datetime], another: Submission
) -> None:
    subject, as_of = case
    was = score(subject, RULES, as_of)
    now = score(replace(subject, others=(*subject.others, another)), RULES, as_of)
    _at_least(now, was)
    assert now.fit == was.fit


@SETTINGS
@given(
    cases,
    st.sampled_from(["250", "50-200", "1,000+", "10k", 75]),
    st.sampled_from(["Software", "SaaS", "retail", "Telecommunications"]),
)
def test_company_size_and_industry_never_lower_the_score(
    case: tuple[Subject, datetime], size: object, industry: str
) -> None:
    subject, as_of = case
    custom = dict(subject.lead.custom)
    bare = {k: v for k, v in custom.items() if k not in ("company_size", "industry")}
    was = score(_with(subject, custom=bare), RULES, as_of)
    sized = score(_with(subject, custom=bare | {"company_size": size}), RULES, as_of)
    both = score(
        _with(subject, custom=bare | {"company_size": size, "industry": industry}), RULES, as_of
    )
    _at_least(sized, was)
    _at_least(both, sized)
    assert sized.score > was.score
    assert both.score > sized.score


@SETTINGS
@given(cases, feedbacks(POSITIVE_OUTCOMES))
def test_positive_feedback_never_lowers_the_score(
    case: tuple[Subject, datetime], feedback: Feedback
) -> None:
    subject, as_of = case
    was = score(subject, RULES, as_of)
    now = score(replace(subject, feedback=(*subject.feedback, feedback)), RULES, as_of)
    _at_least(now, was)
    assert now.fit == was.fit


@SETTINGS
@given(cases, st.sampled_from(CTAS), st.sampled_from(CTAS))
def test_a_cta_with_more_intent_points_never_lowers_the_score(
    case: tuple[Subject, datetime], one: CtaType, other: CtaType
) -> None:
    subject, as_of = case
    weak, strong = sorted((one, other), key=lambda cta: RULES.intent.get(cta, 0))
    was = score(_with(subject, cta=weak), RULES, as_of)
    now = score(_with(subject, cta=strong), RULES, as_of)
    _at_least(now, was)
    assert now.fit == was.fit


@SETTINGS
@given(cases, st.sampled_from([*FINDINGS, "free_mail", "disposable_domain"]))
def test_a_finding_never_raises_the_score(case: tuple[Subject, datetime], finding: str) -> None:
    subject, as_of = case
    findings = tuple(f for f in subject.lead.findings if f != finding)
    was = score(_with(subject, findings=findings), RULES, as_of)
    now = score(_with(subject, findings=(*findings, finding)), RULES, as_of)
    assert now.score <= was.score
    assert now.engagement == was.engagement


# --- decay ----------------------------------------------------------------------------


@SETTINGS
@given(cases, hours, hours)
def test_decay_never_raises_engagement_nor_changes_fit(
    case: tuple[Subject, datetime], one: timedelta, other: timedelta
) -> None:
    subject, _ = case
    sooner, later = sorted((one, other))
    early = score(subject, RULES, T0 + sooner)
    late = score(subject, RULES, T0 + later)
    assert late.engagement <= early.engagement
    assert late.fit == early.fit
    assert [c for c in late.explanation if c.part == "fit"] == [
        c for c in early.explanation if c.part == "fit"
    ]
    assert late.score <= early.score


@SETTINGS
@given(cases)
def test_decayed_points_never_exceed_their_rule(
    case: tuple[Subject, datetime],
) -> None:
    subject, as_of = case
    full = dict(RULES.intent)
    feedback: dict[str, int] = {str(k): v for k, v in RULES.engagement.feedback.items()}
    for c in score(subject, RULES, as_of).explanation:
        if c.rule == "intent.cta":
            assert 0 < c.points <= full[subject.lead.cta.type]
        elif c.rule.startswith("engagement.feedback."):
            points = feedback[c.rule.rsplit(".", 1)[1]]
            if points > 0:
                assert 0 < c.points <= points
            else:
                assert c.points == points
