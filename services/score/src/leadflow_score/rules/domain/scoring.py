"""Scoring one lead under a rules file, as of a moment.

A lead is scored together with what the same person did (their other submissions, which
verify links by ``duplicate_of``, and the feedback reps and partners gave). Every rule that
fires gives whole points with a reason a sales rep can read; the fit score is the sum of
the fit, bant and negative families' points, the engagement score that of intent and
engagement, and the score their sum: the explanation adds up to it exactly, with no cap.

Engagement decays: a positive engagement point earned ``d`` days before ``as_of`` counts
``0.5 ** (d / half_life_days)``, rounded to whole points (each form of a repeat, each
page on its own). Negative engagement (a rep's "junk") does not fade. Scoring is a pure
function of the lead, its person's activity, the rules and ``as_of``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from leadflow_score.rules.domain.bant import read_authority, read_budget, read_need, read_timeline
from leadflow_score.rules.domain.ruleset import BantField, Condition, RuleSet, fold
from leadflow_score.rules.domain.titles import JobTitle, parse_title
from leadflow_shared.company_size import employees_of
from leadflow_shared.events.v1 import (
    CtaType,
    FeedbackOutcome,
    LeadVerifiedData,
    LifecycleStatus,
    ScoreContribution,
    Temperature,
)

Part = Literal["fit", "engagement"]
SECONDS_PER_DAY = 86_400.0
FRESH_S = 60.0

CTA_PHRASES: dict[CtaType, str] = {
    "demo_request": "asked for a demo",
    "contact_sales": "asked to talk to sales",
    "quote_request": "asked for a quote",
    "pricing": "asked about pricing",
    "trial_signup": "signed up for a trial",
    "webinar": "registered for a webinar",
    "event": "registered for an event",
    "content_download": "downloaded content",
    "newsletter": "subscribed to the newsletter",
    "other": "sent a form",
}
FINDING_PHRASES = {
    "disposable_domain": "a disposable (throwaway) email domain",
    "role_account": "a role address (info@, sales@ …), not a person",
    "gibberish_name": "the name looks like keyboard mashing",
    "placeholder_name": "a test or placeholder name",
    "contact_in_name": "an email or phone typed into a name field",
    "free_mail": "a free-mail address",
    "email_typo": "the email's domain looks mistyped",
    "no_mail_domain": "the email's domain cannot receive mail",
    "phone_country_mismatch": "the phone's country differs from the lead's",
    "domain_mismatch": "the email's domain and the company website differ",
    "duplicate": "the same person as an earlier lead",
}
BANT_READINGS = {
    "budget": {"positive": "has a budget", "negative": "has no budget"},
    "authority": {"positive": "is a decision maker", "negative": "is not a decision maker"},
    "need": {"positive": "stated a need", "negative": "stated no need"},
    "timeline": {
        "soon": "plans to buy within 3 months",
        "later": "plans to buy later than 3 months",
        "negative": "has no buying timeline",
    },
}


@dataclass(frozen=True, slots=True)
class Submission:
    """Another form the same person sent."""

    lead_id: uuid.UUID
    at: datetime
    cta: CtaType
    page: str | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    """What a rep or partner reported about one of the person's leads."""

    lead_id: uuid.UUID
    at: datetime
    outcome: FeedbackOutcome


@dataclass(frozen=True, slots=True)
class Subject:
    """A lead with its person's other submissions and the feedback on their leads."""

    lead_id: uuid.UUID
    lead: LeadVerifiedData
    others: tuple[Submission, ...] = ()
    feedback: tuple[Feedback, ...] = ()


@dataclass(frozen=True, slots=True)
class Contribution:
    rule: str
    points: int
    reason: str
    part: Part

    def public(self) -> ScoreContribution:
        return _public(self.rule, self.points, self.reason, self.part)


@lru_cache(maxsize=16_384)
def _public(rule: str, points: int, reason: str, part: Part) -> ScoreContribution:
    """Frozen, so one object serves every lead with the same contribution (most leads share
    their country's, their call to action's, their title's); built from checked values,
    without pydantic's validation."""
    return ScoreContribution.model_construct(rule=rule, points=points, reason=reason, part=part)


@dataclass(frozen=True, slots=True)
class Score:
    """A lead's score with every contribution that explains it."""

    fit: int
    engagement: int
    temperature: Temperature
    status: LifecycleStatus
    status_reason: str
    explanation: tuple[Contribution, ...]
    rules_version: str

    @property
    def score(self) -> int:
        return self.fit + self.engagement

    def public_explanation(self) -> tuple[ScoreContribution, ...]:
        """The explanation as events carry it."""
        return tuple(c.public() for c in self.explanation)


def score(subject: Subject, rules: RuleSet, as_of: datetime, version: str | None = None) -> Score:
    """``subject`` scored under ``rules`` at ``as_of`` (``version``: the rules' version,
    when the caller has it already)."""
    lead = subject.lead
    title = parse_title(lead.contact.job_title)
    bant = _Bant.read(lead)
    contributions = [
        c
        for c in (
            *_fit(lead, title, rules),
            *_intent(lead, rules, as_of),
            *_bant(lead, bant, rules),
            *_engagement(subject, rules, as_of),
            *_negative(lead, title, rules),
        )
        if c.points != 0
    ]
    fit = sum(c.points for c in contributions if c.part == "fit")
    engagement = sum(c.points for c in contributions if c.part == "engagement")
    total = fit + engagement
    temperature = temperature_for(total, rules)
    status, reason = _status(rules, _Facts(lead, title, bant, fit, engagement, temperature))
    return Score(
        fit=fit,
        engagement=engagement,
        temperature=temperature,
        status=status,
        status_reason=reason,
        explanation=tuple(contributions),
        rules_version=version or rules.version,
    )


def temperature_for(points: int, rules: RuleSet) -> Temperature:
    if points >= rules.temperature.hot:
        return "hot"
    if points >= rules.temperature.warm:
        return "warm"
    return "cold"


# --- decay ----------------------------------------------------------------------------


def decayed(points: int, at: datetime, as_of: datetime, rules: RuleSet) -> int:
    """``points`` earned ``at``, as they count ``as_of`` (negative points do not fade)."""
    if points <= 0:
        return points
    seconds = (as_of - at).total_seconds()
    if seconds < FRESH_S:  # nothing has faded yet (1,000 points a minute on: 999.98)
        return points
    days = seconds / SECONDS_PER_DAY
    return round(points * 0.5 ** (days / rules.decay.half_life_days))


def _ago(at: datetime, as_of: datetime) -> str:
    seconds = max(0.0, (as_of - at).total_seconds())
    if seconds < 3600:
        return "just now"
    if seconds < SECONDS_PER_DAY:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // SECONDS_PER_DAY)} days ago"


def _faded(points: int, now: int, at: datetime, as_of: datetime, rules: RuleSet) -> str:
    """How a decayed contribution came about, when it did decay."""
    if now == points:
        return ""
    half_life = f"{rules.decay.half_life_days:g}"
    return f" ({points} points {_ago(at, as_of)}, halved every {half_life} days)"


# --- fit ------------------------------------------------------------------------------


def _quote(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _email_domain(lead: LeadVerifiedData) -> str | None:
    email = lead.contact.email
    return email.rpartition("@")[2].casefold() if email and "@" in email else None


def _fit(lead: LeadVerifiedData, title: JobTitle, rules: RuleSet) -> Iterator[Contribution]:
    fit = rules.fit
    typed = _quote(lead.contact.job_title)
    if title.seniority is not None and title.seniority in fit.seniority:
        reason = f"job title {typed} reads as {title.seniority} (by {title.seniority_by!r})"
        yield Contribution("fit.seniority", fit.seniority[title.seniority], reason, "fit")
    if title.department is not None and title.department in fit.department:
        reason = f"job title {typed} reads as {title.department} (by {title.department_by!r})"
        yield Contribution("fit.department", fit.department[title.department], reason, "fit")
    if fit.company_size is not None:
        given = lead.custom.get(fit.company_size.field)
        employees = employees_of(given)
        if employees is not None:
            for band in fit.company_size.bands:
                if employees >= band.from_:
                    reason = f"company size {_quote(str(given))}: {band.from_}+ employees"
                    yield Contribution("fit.company_size", band.points, reason, "fit")
                    break
    if fit.industry is not None:
        given = lead.custom.get(fit.industry.field)
        if isinstance(given, str):
            points = fit.industry.by_folded_name.get(fold(given))
            if points is not None:
                yield Contribution("fit.industry", points, f"industry {_quote(given)}", "fit")
    country = lead.contact.country
    if country is not None and country in fit.country:
        yield Contribution("fit.country", fit.country[country], f"from {country}", "fit")
    domain = _email_domain(lead)
    if domain is not None and not _unfit_domain(domain, lead, rules):
        if "free_mail" in lead.findings:
            reason = f"a free-mail address ({domain})"
            yield Contribution("fit.email_domain", fit.email_domain.free, reason, "fit")
        else:
            reason = f"a business email domain ({domain})"
            yield Contribution("fit.email_domain", fit.email_domain.business, reason, "fit")


def _unfit_domain(domain: str, lead: LeadVerifiedData, rules: RuleSet) -> bool:
    """A domain that earns no email-domain points: disposable or taking no mail (verify's
    findings), or one the negative signals name (academic, a competitor's)."""
    if "disposable_domain" in lead.findings or "no_mail_domain" in lead.findings:
        return True
    negative = rules.negative
    named = (
        *(negative.students.email_domains if negative.students else ()),
        *(negative.competitors.domains if negative.competitors else ()),
    )
    return _domain_matches(domain, named) is not None


# --- intent and BANT ------------------------------------------------------------------


def _intent(lead: LeadVerifiedData, rules: RuleSet, as_of: datetime) -> Iterator[Contribution]:
    cta = lead.cta.type
    if cta in rules.intent:
        full = rules.intent[cta]
        now = decayed(full, lead.received_at, as_of, rules)
        reason = CTA_PHRASES[cta] + _faded(full, now, lead.received_at, as_of, rules)
        yield Contribution("intent.cta", now, reason, "engagement")


@dataclass(frozen=True, slots=True)
class _Bant:
    budget: str
    authority: str
    need: str
    timeline: str

    @classmethod
    def read(cls, lead: LeadVerifiedData) -> _Bant:
        answers = lead.bant
        return cls(
            read_budget(answers.budget),
            read_authority(answers.authority),
            read_need(answers.need),
            read_timeline(answers.timeline),
        )

    def reading(self, field: BantField) -> str:
        value: str = getattr(self, field)
        return value


def _bant(lead: LeadVerifiedData, bant: _Bant, rules: RuleSet) -> Iterator[Contribution]:
    fields: tuple[BantField, ...] = ("budget", "authority", "need", "timeline")
    for field in fields:
        reading = bant.reading(field)
        phrase = BANT_READINGS[field].get(reading)
        if phrase is None:
            continue
        points: int = getattr(getattr(rules.bant, field), reading)
        answer = _quote(getattr(lead.bant, field))
        yield Contribution(f"bant.{field}", points, f"{phrase}: {answer}", "fit")


# --- engagement -----------------------------------------------------------------------


def _engagement(subject: Subject, rules: RuleSet, as_of: datetime) -> Iterator[Contribution]:
    lead, engagement = subject.lead, rules.engagement
    if engagement.marketing_consent and lead.consent.marketing:
        full = engagement.marketing_consent
        now = decayed(full, lead.received_at, as_of, rules)
        reason = "agreed to receive marketing" + _faded(full, now, lead.received_at, as_of, rules)
        yield Contribution("engagement.consent", now, reason, "engagement")
    others = sorted(subject.others, key=lambda s: s.at, reverse=True)
    if engagement.repeat_submission is not None and others:
        rule = engagement.repeat_submission
        earned = sum(decayed(rule.points, s.at, as_of, rules) for s in others)
        shown = ", ".join(f"{s.cta} {_ago(s.at, as_of)}" for s in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        count = f"{len(others)} other form{'s' if len(others) > 1 else ''}"
        capped = f", at most {rule.max}" if earned > rule.max else ""
        faded = ""
        if earned < rule.points * len(others):
            half_life = f"{rules.decay.half_life_days:g}"
            faded = f", {rule.points} points each when new, halved every {half_life} days"
        reason = f"the same person sent {count} ({shown}{more}){faded}{capped}"
        yield Contribution(
            "engagement.repeat_submission", min(earned, rule.max), reason, "engagement"
        )
    if engagement.pages is not None:
        yield from _pages(subject, engagement.pages.points, engagement.pages.max, rules, as_of)
    for feedback in sorted(subject.feedback, key=lambda f: f.at):
        if feedback.outcome not in engagement.feedback:
            continue
        full = engagement.feedback[feedback.outcome]
        now = decayed(full, feedback.at, as_of, rules)
        whose = "this lead" if feedback.lead_id == subject.lead_id else "another of their leads"
        reason = f"reported {feedback.outcome} on {whose} {_ago(feedback.at, as_of)}"
        reason += _faded(full, now, feedback.at, as_of, rules)
        yield Contribution(f"engagement.feedback.{feedback.outcome}", now, reason, "engagement")


def _pages(
    subject: Subject, points: int, most: int, rules: RuleSet, as_of: datetime
) -> Iterator[Contribution]:
    """Each page beyond the first the person sent a form from (a page's latest visit
    counts for decay; the page seen first earns nothing)."""
    lead = subject.lead
    latest: dict[str, datetime] = {}
    visits = [(lead.cta.page_url, lead.received_at), *((s.page, s.at) for s in subject.others)]
    for page, at in visits:
        if page:
            key = page.split("?", 1)[0].split("#", 1)[0].rstrip("/")
            latest[key] = max(at, latest.get(key, at))
    if len(latest) < 2:
        return
    by_age = sorted(latest.values())[1:]  # the first page seen earns nothing
    earned = sum(decayed(points, at, as_of, rules) for at in by_age)
    capped = f", at most {most}" if earned > most else ""
    reason = f"sent forms from {len(latest)} different pages{capped}"
    yield Contribution("engagement.pages", min(earned, most), reason, "engagement")


# --- negative signals -----------------------------------------------------------------


def _domain_matches(domain: str, suffixes: tuple[str, ...]) -> str | None:
    """The entry of ``suffixes`` that ``domain`` is or is under ("ac.uk": ox.ac.uk)."""
    labels = domain.split(".")
    wanted = _suffix_set(suffixes)
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in wanted:
            return candidate
    return None


@lru_cache(maxsize=64)
def _suffix_set(suffixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(s.casefold().lstrip(".") for s in suffixes)


def _website_domain(website: str | None) -> str | None:
    if not website:
        return None
    host = re.sub(r"^[a-z]+://", "", website.casefold()).split("/", 1)[0].split(":", 1)[0]
    return host.removeprefix("www.") or None


def _negative(lead: LeadVerifiedData, title: JobTitle, rules: RuleSet) -> Iterator[Contribution]:
    negative = rules.negative
    for finding in lead.findings:
        if finding in negative.findings:
            phrase = FINDING_PHRASES.get(finding, finding.replace("_", " "))
            reason = f"verify found {phrase}"
            yield Contribution(f"negative.{finding}", negative.findings[finding], reason, "fit")
    domain = _email_domain(lead)
    if negative.students is not None:
        academic = domain and _domain_matches(domain, negative.students.email_domains)
        if title.seniority == "student":
            reason = f"job title {_quote(lead.contact.job_title)} is a student's or intern's"
            yield Contribution("negative.student", negative.students.points, reason, "fit")
        elif academic:
            reason = f"a student's email domain ({domain})"
            yield Contribution("negative.student", negative.students.points, reason, "fit")
    if negative.competitors is not None:
        domains = negative.competitors.domains
        for kind, host in (("email", domain), ("website", _website_domain(lead.contact.website))):
            if host and _domain_matches(host, domains):
                reason = f"the {kind} domain {host} is a competitor's"
                yield Contribution(
                    "negative.competitor", negative.competitors.points, reason, "fit"
                )
                break


# --- status ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    lead: LeadVerifiedData
    title: JobTitle
    bant: _Bant
    fit: int
    engagement: int
    temperature: Temperature


def _positive(facts: _Facts, rules: RuleSet) -> dict[BantField, str]:
    """The BANT answers that read positive, each with how (an unanswered authority
    question is positive when the job title's level implies it)."""
    bant = facts.bant
    positive: dict[BantField, str] = {}
    if bant.budget == "positive":
        positive["budget"] = "budget"
    if bant.authority == "positive":
        positive["authority"] = "authority"
    elif (
        bant.authority == "unknown"
        and facts.title.seniority in rules.bant.authority.implied_by_seniority
    ):
        positive["authority"] = f"authority (by job title {_quote(facts.lead.contact.job_title)})"
    if bant.need == "positive":
        positive["need"] = "need"
    if bant.timeline == "soon":
        positive["timeline"] = "timeline"
    return positive


def _meets(condition: Condition, facts: _Facts, rules: RuleSet) -> list[str] | None:
    """Why ``condition`` holds, clause by clause; ``None`` when it does not."""
    why: list[str] = []
    total = facts.fit + facts.engagement
    for name, value, least in (
        ("score", total, condition.min_score),
        ("fit", facts.fit, condition.min_fit),
        ("engagement", facts.engagement, condition.min_engagement),
    ):
        if least is not None:
            if value < least:
                return None
            why.append(f"{name} {value} ≥ {least}")
    if condition.min_positive_bant is not None or condition.bant:
        positive = _positive(facts, rules)
        if condition.min_positive_bant is not None:
            if len(positive) < condition.min_positive_bant:
                return None
            why.append(f"{len(positive)} BANT answers positive ({', '.join(positive.values())})")
        if condition.bant:
            if any(field not in positive for field in condition.bant):
                return None
            why.append("positive " + ", ".join(positive[f] for f in condition.bant))
    if condition.ctas:
        if facts.lead.cta.type not in condition.ctas:
            return None
        why.append(f"cta {facts.lead.cta.type}")
    if condition.has_contact is not None:
        has = bool(facts.lead.contact.email or facts.lead.contact.phone)
        if has != condition.has_contact:
            return None
        why.append("gave an email or phone" if has else "gave no email or phone")
    if condition.temperature:
        if facts.temperature not in condition.temperature:
            return None
        why.append(facts.temperature)
    return why


def _status(rules: RuleSet, facts: _Facts) -> tuple[LifecycleStatus, str]:
    for status, conditions in rules.status.in_order():
        for condition in conditions:
            why = _meets(condition, facts, rules)
            if why is not None:
                return status, f"{status}: {'; '.join(why) or 'always'}"
    return "suspect", "suspect: no status's conditions are met"
