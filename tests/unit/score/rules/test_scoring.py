"""Details of scoring: company sizes, decay, engagement caps, readable reasons, authority
implied by a title, and status reasons that name their clauses."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from leadflow_score.rules.domain.ruleset import read_rules
from leadflow_score.rules.domain.scoring import (
    Score,
    Subject,
    decayed,
    employees_of,
    score,
    temperature_for,
)
from leadflow_shared.events.v1 import BantAnswers
from tests.unit.score.rules.leads import (
    RULES,
    T0,
    assert_adds_up,
    make_lead,
    reported,
    sent,
    subject,
)

B = BantAnswers
D = timedelta(days=1)
H = timedelta(hours=1)
NOW = T0 + timedelta(minutes=1)
SITE = "https://leadflow.example"


def _score(given: Subject, age: timedelta = timedelta(minutes=1)) -> Score:
    result = score(given, RULES, T0 + age)
    assert_adds_up(result)
    return result


def _points(given: Score) -> dict[str, int]:
    return {c.rule: c.points for c in given.explanation}


def _reason(given: Score, rule: str) -> str:
    [reason] = [c.reason for c in given.explanation if c.rule == rule]
    return reason


# --- company size ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "employees"),
    [
        (250, 250),
        (0, 0),
        (12.7, 12),
        ("250", 250),
        (" 250 ", 250),
        ("50-200", 50),  # the lower bound: at least 50
        ("50 - 200", 50),
        ("1,000+", 1000),
        ("1000+", 1000),
        ("10,000+", 10000),
        ("10k", 10000),
        ("10K", 10000),
        ("1.5k", 1500),
        ("10 000", 10000),
        ("about 500 employees", 500),
        ("lots", None),
        ("", None),
        ("n/a", None),
        (None, None),
        (True, None),
        (False, None),
        (-5, None),
        (float("nan"), None),
        ([250], None),
        ({"from": 250}, None),
    ],
)
def test_employees_of(given: object, employees: int | None) -> None:
    assert employees_of(given) == employees


@pytest.mark.parametrize("given", ["<50", "< 50", "under 50", "less than 50", "fewer than 50"])
def test_fewer_than_a_number_is_not_at_least_that_number(given: str) -> None:
    employees = employees_of(given)
    assert employees is None or employees < 50


def test_an_infinite_size_names_no_number() -> None:
    assert employees_of(math.inf) is None


@pytest.mark.parametrize(
    ("size", "points"),
    [("5000", 15), ("1000", 15), ("999", 10), ("200", 10), ("199", 5), ("50", 5), ("49", None)],
)
def test_the_first_band_that_fits_counts(size: str, points: int | None) -> None:
    lead = make_lead(email="a@acme.com", custom={"company_size": size})
    result = _score(subject(lead))
    assert _points(result).get("fit.company_size") == points  # the 0+ band's 0 is left out
    if points is not None:
        assert _reason(result, "fit.company_size").startswith(f"company size '{size}': ")


# --- decay ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "days", "now"),
    [
        (30, 0, 30),
        (30, 30, 15),  # one half-life: half
        (10, 30, 5),
        (100, 30, 50),
        (2, 30, 1),
        (30, 15, 21),  # 30 * 0.707
        (30, 60, 8),  # 7.5
        (30, 90, 4),  # 3.75
        (30, 180, 0),  # 0.47
        (30, -5, 30),  # earned after as_of: counts in full, never more
        (0, 30, 0),
        (-60, 365, -60),  # negative points never fade
        (-10, 30, -10),
        (-1, 10_000, -1),
    ],
)
def test_decayed(points: int, days: int, now: int) -> None:
    assert decayed(points, T0, T0 + days * D, RULES) == now


@pytest.mark.parametrize("points", [2, 4, 10, 30, 60, 1000])
def test_points_halve_every_half_life(points: int) -> None:
    for n in range(4):
        assert decayed(points, T0, T0 + n * 30 * D, RULES) == round(points / 2**n)


def test_decay_follows_the_rules_half_life() -> None:
    text = "name: weekly\ntemperature: {hot: 2, warm: 1}\nstatus: {}\n"
    weekly = read_rules(text + "decay: {half_life_days: 7}\n", "weekly")
    assert decayed(40, T0, T0 + 7 * D, weekly) == 20
    assert decayed(40, T0, T0 + 14 * D, weekly) == 10
    assert decayed(40, T0, T0 + 12 * H, weekly) == 38  # 40 * 0.5^(0.5/7) = 38.1


def test_the_lead_decays_while_its_fit_stays() -> None:
    lead = make_lead(title="VP Sales", email="v@acme.com", country="US", cta="demo_request")
    fresh, month, year = (_score(subject(lead), age) for age in (H, 30 * D, 365 * D))
    assert fresh.fit == month.fit == year.fit == 35
    assert (fresh.engagement, month.engagement, year.engagement) == (30, 15, 0)
    assert "intent.cta" not in _points(year)  # faded to 0: left out


# --- engagement caps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "points", "capped"),
    [(1, 5, False), (2, 10, False), (3, 15, False), (4, 15, True), (9, 15, True)],
)
def test_repeat_submissions_count_at_most_15(forms: int, points: int, capped: bool) -> None:
    others = tuple(sent("webinar", n * H) for n in range(1, forms + 1))
    result = _score(subject(make_lead(email="a@acme.com"), others))
    assert _points(result)["engagement.repeat_submission"] == points
    assert _reason(result, "engagement.repeat_submission").endswith(", at most 15") == capped


@pytest.mark.parametrize(
    ("pages", "points", "capped"),
    [(1, None, False), (2, 2, False), (6, 10, False), (7, 10, True), (12, 10, True)],
)
def test_other_pages_count_at_most_10(pages: int, points: int | None, capped: bool) -> None:
    """The lead's own page is one of ``pages``; each further page counts 2."""
    lead = make_lead(email="a@acme.com", page=f"{SITE}/p0")
    others = tuple(sent("content_download", n * H, f"{SITE}/p{n}") for n in range(1, pages))
    result = _score(subject(lead, others))
    assert _points(result).get("engagement.pages") == points
    if points is not None:
        reason = _reason(result, "engagement.pages")
        assert reason.startswith(f"sent forms from {pages} different pages")
        assert reason.endswith(", at most 10") == capped


def test_a_page_counts_once_whatever_its_query_fragment_or_slash() -> None:
    lead = make_lead(email="a@acme.com", page=f"{SITE}/pricing")
    others = (
        sent("pricing", H, f"{SITE}/pricing?utm_source=ads"),
        sent("pricing", 2 * H, f"{SITE}/pricing/"),
        sent("pricing", 3 * H, f"{SITE}/pricing#plans"),
        sent("pricing", 4 * H, None),
    )
    assert "engagement.pages" not in _points(_score(subject(lead, others)))


def test_the_first_page_seen_earns_nothing_and_a_new_one_counts_in_full() -> None:
    lead = make_lead(email="a@acme.com", page=f"{SITE}/a")  # sent now
    once = (sent("pricing", 30 * D, f"{SITE}/b"),)
    # /b was first, a month ago: /a, today's, earns its 2 points in full
    assert _points(_score(subject(lead, once)))["engagement.pages"] == 2
    # /b again an hour ago, /c two months ago: /c came first; /b and /a count, both fresh
    again = (*once, sent("pricing", H, f"{SITE}/b/"), sent("webinar", 60 * D, f"{SITE}/c"))
    assert _points(_score(subject(lead, again)))["engagement.pages"] == 4
    # only old pages: the newer of the two earns its decayed points
    old = (sent("pricing", 60 * D, f"{SITE}/b"),)
    assert (
        _points(_score(subject(make_lead(email="a@acme.com"), old))).get("engagement.pages") is None
    )


def test_repeat_submissions_decay_each_by_its_age() -> None:
    others = (sent("pricing", 20 * D), sent("webinar", 45 * D))
    result = _score(subject(make_lead(email="a@acme.com"), others))
    assert _points(result)["engagement.repeat_submission"] == 5  # round(3.15) + round(1.77)


# --- readable reasons -----------------------------------------------------------------


def test_fit_reasons_quote_the_title_and_the_words_that_decided() -> None:
    result = _score(subject(make_lead(title="VP of Marketing", email="a@acme.com")))
    assert _reason(result, "fit.seniority") == "job title 'VP of Marketing' reads as vp (by 'vp')"
    assert _reason(result, "fit.department") == (
        "job title 'VP of Marketing' reads as marketing (by 'marketing')"
    )


def test_a_long_title_is_quoted_on_one_line_and_cut() -> None:
    title = "  Senior   VP,\n Global Sales & Business Development for the Americas and EMEA"
    reason = _reason(_score(subject(make_lead(title=title))), "fit.seniority")
    quoted = reason.split("'")[1]
    assert quoted == "Senior VP, Global Sales & Business Development for the Amer…"
    assert len(quoted) == 60
    assert reason.endswith("reads as vp (by 'senior vp')")


def test_fit_reasons_name_what_they_read() -> None:
    lead = make_lead(
        email="Dana@ACME-Robotics.com",
        country="DE",
        custom={"company_size": "1,000+", "industry": "SaaS"},
    )
    result = _score(subject(lead))
    assert _reason(result, "fit.company_size") == "company size '1,000+': 1000+ employees"
    assert _reason(result, "fit.industry") == "industry 'SaaS'"
    assert _reason(result, "fit.country") == "from DE"
    assert _reason(result, "fit.email_domain") == "a business email domain (acme-robotics.com)"
    free = _score(subject(make_lead(email="x@gmail.com", findings=("free_mail",))))
    assert _reason(free, "fit.email_domain") == "a free-mail address (gmail.com)"
    assert _points(free)["fit.email_domain"] == -5


def test_a_disposable_address_earns_no_email_domain_points() -> None:
    lead = make_lead(email="x@mailinator.com", findings=("disposable_domain", "free_mail"))
    assert _points(_score(subject(lead))) == {"intent.cta": 2, "negative.disposable_domain": -30}
    assert "fit.email_domain" not in _points(_score(subject(make_lead(phone="+4930123456"))))


def test_bant_reasons_say_what_the_answer_means_and_quote_it() -> None:
    bant = B(budget="$50,000", authority="not the decision maker", need="no need", timeline="Q3")
    result = _score(subject(make_lead(email="a@acme.com", bant=bant)))
    assert _reason(result, "bant.budget") == "has a budget: '$50,000'"
    assert _reason(result, "bant.authority") == (
        "is not a decision maker: 'not the decision maker'"
    )
    assert _reason(result, "bant.need") == "stated no need: 'no need'"
    assert _reason(result, "bant.timeline") == "plans to buy later than 3 months: 'Q3'"
    assert {rule: n for rule, n in _points(result).items() if rule.startswith("bant.")} == {
        "bant.budget": 10,
        "bant.authority": -10,
        "bant.need": -10,
        "bant.timeline": 5,
    }
    assert all(c.part == "fit" for c in result.explanation if c.rule.startswith("bant."))


def test_decayed_points_say_they_were_halved() -> None:
    lead = make_lead(email="a@acme.com", cta="demo_request")
    fresh = _score(subject(lead))
    month = _score(subject(lead), 30 * D)
    assert _reason(fresh, "intent.cta") == "asked for a demo"
    assert _reason(month, "intent.cta") == (
        "asked for a demo (30 points 30 days ago, halved every 30 days)"
    )


def test_feedback_reasons_say_whose_lead_when_and_how_it_faded() -> None:
    feedback = (reported("converted", -30 * D, on_this_lead=False), reported("junk", -2 * H))
    result = _score(subject(make_lead(email="a@acme.com"), feedback=feedback))
    assert _reason(result, "engagement.feedback.converted") == (
        "reported converted on another of their leads 30 days ago "
        "(30 points 30 days ago, halved every 30 days)"
    )
    assert _reason(result, "engagement.feedback.junk") == "reported junk on this lead 2 h ago"
    assert _points(result)["engagement.feedback.converted"] == 15
    assert _points(result)["engagement.feedback.junk"] == -60


def test_the_repeat_submissions_reason_lists_the_latest_three() -> None:
    others = (
        sent("webinar", 3 * D),
        sent("pricing", 2 * H),
        sent("event", 10 * D),
        sent("newsletter", 20 * D),
        sent("content_download", timedelta(minutes=30)),
    )
    result = _score(subject(make_lead(email="a@acme.com"), others))
    assert _reason(result, "engagement.repeat_submission") == (
        "the same person sent 5 other forms (content_download just now, pricing 2 h ago, "
        "webinar 3 days ago and 2 more), 5 points each when new, halved every 30 days, "
        "at most 15"
    )


def test_decayed_repeat_submissions_say_they_were_halved() -> None:
    others = (sent("pricing", 30 * D), sent("webinar", 60 * D))
    reason = _reason(
        _score(subject(make_lead(email="a@acme.com"), others)), "engagement.repeat_submission"
    )
    assert "halved every 30 days" in reason


def test_negative_reasons_name_the_finding_the_student_and_the_competitor() -> None:
    lead = make_lead(
        title="Marketing Intern",
        email="x@cs.ox.ac.uk",
        website="https://www.rival.example/team",
        findings=("role_account", "email_typo"),
    )
    result = _score(subject(lead))
    assert _reason(result, "negative.role_account") == (
        "verify found a role address (info@, sales@ …), not a person"
    )
    assert "negative.email_typo" not in _points(result)  # not a rule of the example
    # the title decides first; the academic domain does not count a second time
    assert _reason(result, "negative.student") == (
        "job title 'Marketing Intern' is a student's or intern's"
    )
    assert _reason(result, "negative.competitor") == (
        "the website domain rival.example is a competitor's"
    )
    academic = _score(subject(make_lead(email="x@cs.ox.ac.uk")))
    assert _reason(academic, "negative.student") == "a student's email domain (cs.ox.ac.uk)"


def test_a_competitor_counts_once_by_email_and_website() -> None:
    lead = make_lead(email="a@competitor.example", website="competitor.example")
    result = _score(subject(lead))
    assert [c.rule for c in result.explanation].count("negative.competitor") == 1
    assert _reason(result, "negative.competitor") == (
        "the email domain competitor.example is a competitor's"
    )


def test_zero_point_rules_are_left_out() -> None:
    lead = make_lead(title="HR Director", email="a@acme.com", custom={"company_size": 10})
    rules = [c.rule for c in _score(subject(lead)).explanation]
    assert "fit.department" not in rules  # hr: 0
    assert "fit.company_size" not in rules  # the 0+ band
    assert "fit.seniority" in rules


# --- authority implied by the title ---------------------------------------------------


@pytest.mark.parametrize("title", ["CEO", "Founder", "Chief Financial Officer", "VP Sales"])
def test_a_c_level_or_vp_title_implies_authority_for_sql(title: str) -> None:
    lead = make_lead(
        title=title,
        email="a@acme.com",
        cta="demo_request",
        bant=B(timeline="this quarter"),
    )
    result = _score(subject(lead))
    assert result.status == "sql"
    assert f"positive authority (by job title '{title}'), timeline; cta demo_request" in (
        result.status_reason
    )
    assert "bant.authority" not in _points(result)  # the title's points are seniority's


@pytest.mark.parametrize("title", ["Director of Sales", "Head of IT", "Sales Manager", None])
def test_other_titles_imply_no_authority(title: str | None) -> None:
    bant = B(budget="$50,000", timeline="this quarter")
    lead = make_lead(title=title, email="a@acme.com", country="US", cta="demo_request", bant=bant)
    result = _score(subject(lead), 0 * D)
    assert result.score >= 60
    assert result.status == "mql"
    assert result.status_reason == f"mql: score {result.score} ≥ 30"


def test_a_stated_authority_wins_over_the_title() -> None:
    bant = B(authority="no, the board decides", timeline="asap")
    denied = make_lead(title="CEO", email="a@acme.com", cta="demo_request", bant=bant)
    result = _score(subject(denied))
    assert result.temperature == "hot"
    assert result.status == "mql"
    assert _points(result)["bant.authority"] == -10
    stated = make_lead(
        title="CEO",
        email="a@acme.com",
        cta="demo_request",
        bant=B(authority="yes", timeline="asap"),
    )
    result = _score(subject(stated))
    assert result.status == "sql"
    assert "positive authority, timeline; cta demo_request" in result.status_reason
    assert _points(result)["bant.authority"] == 15


def test_implied_authority_counts_among_three_positive_answers() -> None:
    bant = B(budget="yes", need="yes")
    lead = make_lead(title="VP Sales", email="a@acme.com", country="US", cta="pricing", bant=bant)
    result = _score(subject(lead))
    assert result.status_reason == (
        f"sql: score {result.score} ≥ 60; "
        "3 BANT answers positive (budget, authority (by job title 'VP Sales'), need)"
    )


# --- status reasons -------------------------------------------------------------------


def test_status_reasons_name_the_clauses() -> None:
    hot = make_lead(
        title="CEO",
        email="a@acme.com",
        country="US",
        cta="demo_request",
        bant=B(budget="$50,000", timeline="this quarter"),
    )
    assert _score(subject(hot)).status_reason == (
        "sql: score 95 ≥ 60; "
        "3 BANT answers positive (budget, authority (by job title 'CEO'), timeline)"
    )
    sales = make_lead(title="CTO", email="a@acme.com", cta="contact_sales", bant=B(timeline="asap"))
    assert _score(subject(sales)).status_reason == (
        "sql: score 78 ≥ 60; positive authority (by job title 'CTO'), timeline; cta contact_sales"
    )
    warm = make_lead(title="CEO", email="a@acme.com", country="US", cta="newsletter")
    assert _score(subject(warm)).status_reason == "mql: score 41 ≥ 30"
    cold = make_lead(email="a@acme.com", cta="newsletter")
    assert _score(subject(cold)).status_reason == "lead: gave an email or phone"
    nobody = make_lead(cta="newsletter")
    assert _score(subject(nobody)).status_reason == "suspect: no status's conditions are met"


CLAUSES = """
name: clauses
temperature: {hot: 50, warm: 20}
status:
  sql:
    - {min_fit: 30, min_engagement: 20, temperature: [hot]}
  mql:
    - {has_contact: false, temperature: [warm, hot]}
  lead:
    - {}
decay: {half_life_days: 7.5}
fit:
  seniority: {c_level: 40}
intent: {demo_request: 30, newsletter: 1}
"""


def test_every_kind_of_clause_is_named() -> None:
    rules = read_rules(CLAUSES, "clauses")

    def status(**fields: Any) -> tuple[str, str]:
        result = score(subject(make_lead(**fields)), rules, T0)
        assert_adds_up(result)
        return result.status, result.status_reason

    demo: dict[str, Any] = {"title": "CEO", "email": "a@acme.com", "cta": "demo_request"}
    assert status(**demo) == ("sql", "sql: fit 40 ≥ 30; engagement 30 ≥ 20; hot")
    assert status(**(demo | {"email": None})) == (
        "sql",
        "sql: fit 40 ≥ 30; engagement 30 ≥ 20; hot",
    )
    assert status(**(demo | {"email": None, "cta": "newsletter"})) == (
        "mql",
        "mql: gave no email or phone; warm",
    )
    assert status(**(demo | {"cta": "newsletter"})) == ("lead", "lead: always")
    assert status(**(demo | {"title": None, "email": None, "cta": "newsletter"})) == (
        "lead",
        "lead: always",
    )
    # a half-life on, the demo counts 15: under min_engagement, so no longer sql
    month = score(subject(make_lead(**demo)), rules, T0 + 7.5 * D)
    assert month.engagement == 15
    assert month.status == "lead"
    assert _reason(month, "intent.cta").endswith("halved every 7.5 days)")


# --- temperature and version ----------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "temperature"),
    [
        (-100, "cold"),
        (0, "cold"),
        (29, "cold"),
        (30, "warm"),
        (59, "warm"),
        (60, "hot"),
        (500, "hot"),
    ],
)
def test_temperature_for(points: int, temperature: str) -> None:
    assert temperature_for(points, RULES) == temperature


def test_the_rules_version_is_the_callers_when_given() -> None:
    lead = subject(make_lead(email="a@acme.com"))
    assert score(lead, RULES, NOW).rules_version == RULES.version
    assert score(lead, RULES, NOW, "example@000000000000").rules_version == "example@000000000000"
