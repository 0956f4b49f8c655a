"""The routing policy: the configuration's rule list (its default order, custom orders,
strategies and fallbacks), segments and regions; partners sharing a territory by weight."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from leadflow_router.assignments.domain.routing import (
    DEFAULT_POLICY,
    Decision,
    RoutingInput,
    partner_turns,
    route,
    route_all,
)
from leadflow_router.companies.domain import company_domain
from leadflow_router.config import RouterConfig
from leadflow_router.partners.domain import Partner, PartnerState
from leadflow_router.policy.domain import DEFAULT_RULES, RoutingPolicy
from leadflow_shared.config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.unit.router.assignments.test_eligibility import hot, state

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def policy(*rules: dict[str, Any], **more: Any) -> RoutingPolicy:
    return RoutingPolicy.model_validate({"rules": list(rules), **more})


def test_the_default_order() -> None:
    assert [(r.name, r.type) for r in DEFAULT_POLICY.rules] == [
        ("needs-review", "review"),
        ("repeat", "owner"),
        ("partner-territory", "partners"),
        ("not-sales-ready", "nurture"),
        ("sales-ready", "reps"),
    ]
    assert RoutingPolicy.model_validate({}).rules == DEFAULT_RULES


def test_review_always_comes_first() -> None:
    with pytest.raises(ValidationError, match="review rule comes first"):
        policy({"name": "repeat", "type": "owner"}, {"name": "needs-review", "type": "review"})
    listed = policy({"name": "everyone", "type": "reps"})
    assert [r.type for r in listed.rules] == ["review", "reps"]
    with pytest.raises(ValidationError, match="unique"):
        policy({"name": "a", "type": "reps"}, {"name": "a", "type": "reps"})


def test_a_needs_review_repeat_never_goes_to_its_persons_rep() -> None:
    owner = Decision("rep", "rep-ben", ("sales-ready",), "earlier")
    lead = hot(needs_review=True, duplicate_of=uuid.uuid4())
    decision = route(lead, [state("rep-ben")], [], owner, now=NOW)
    assert (decision.kind, decision.assignee_id) == ("queue", "review")


def test_rules_in_another_order() -> None:
    """Reps before partners: a hot lead from a partner's territory goes to a rep who covers
    it; a cold one still goes to the partner."""
    reps_first = policy(
        {"name": "hot-to-reps", "type": "reps", "match": {"temperatures": ["hot"]}},
        {"name": "partner-territory", "type": "partners"},
        {"name": "not-sales-ready", "type": "nurture"},
    )
    partners = [Partner(id="partner-nw", name="Northwind", territories=("AU",))]
    reps = [state("rep-kim", "AU")]
    to_rep = route(hot("AU"), reps, partners, now=NOW, policy=reps_first)
    assert (to_rep.assignee_id, to_rep.rule_path[0]) == ("rep-kim", "hot-to-reps")
    cold = RoutingInput("AU", "cold", "lead")
    assert route(cold, reps, partners, now=NOW, policy=reps_first).assignee_id == "partner-nw"


def test_a_rule_for_some_reps_with_its_own_fallback_then_the_rest() -> None:
    """Enterprise leads go to the enterprise team in turn by fewest open leads, and wait in
    their own queue when the team is full; the other leads go to everyone else."""
    rules = policy(
        {
            "name": "enterprise",
            "type": "reps",
            "match": {"segments": ["enterprise"]},
            "reps": ["rep-ent", "rep-big"],
            "strategy": "least-busy",
            "fallback": "enterprise",
        },
        {"name": "sales-ready", "type": "reps"},
        segments={"enterprise": 1000, "smb": 0},
    )
    reps = [
        state("rep-ent", open_leads=3),
        state("rep-big", open_leads=1, capacity=2),
        state("rep-all"),
    ]
    first = route(hot(segment="enterprise"), reps, [], now=NOW, policy=rules)
    assert first.assignee_id == "rep-big"
    assert first.rule_path == ("enterprise", "country:US", "least-busy", "rep-big")
    assert "fewest open leads (1)" in first.reason
    decisions = route_all([hot(segment="enterprise")] * 4, reps, [], NOW, policy=rules)
    # Big 1 → 2 (full), then Ent 3 → … (capacity 50): least busy each time
    assert [d.assignee_id for d in decisions] == ["rep-big", "rep-ent", "rep-ent", "rep-ent"]
    small = route(hot(segment="smb"), reps, [], now=NOW, policy=rules)
    assert small.assignee_id == "rep-all"  # the enterprise rule does not match it
    full = [state("rep-ent", capacity=1, open_leads=1), state("rep-big", capacity=1, open_leads=1)]
    waits = route(hot(segment="enterprise"), full, [], now=NOW, policy=rules)
    assert (waits.kind, waits.assignee_id) == ("queue", "enterprise")


def test_least_busy_ties_go_to_whoever_waited_longest_never_to_creation_order() -> None:
    rules = policy({"name": "sales-ready", "type": "reps", "strategy": "least-busy"})
    earlier = datetime(2026, 12, 1, tzinfo=UTC)
    reps = [state("rep-a", last_assigned_at=NOW), state("rep-b", last_assigned_at=earlier)]
    assert route(hot(), reps, [], now=NOW, policy=rules).assignee_id == "rep-b"


def test_which_leads_go_to_reps_is_the_nurture_rules_exceptions() -> None:
    warm_too = policy(
        {"name": "not-sales-ready", "type": "nurture", "unless": {"temperatures": ["hot", "warm"]}},
        {"name": "sales-ready", "type": "reps"},
    )
    warm, cold_sql = RoutingInput("US", "warm", "mql"), RoutingInput("US", "cold", "sql")
    reps = [state("rep-ben")]
    assert route(warm, reps, [], now=NOW, policy=warm_too).kind == "rep"
    assert route(warm, reps, [], now=NOW).kind == "nurture"
    # statuses not given keep their default (SQL goes to reps); given empty, none does
    assert route(cold_sql, reps, [], now=NOW, policy=warm_too).kind == "rep"
    hot_only = policy(
        {
            "name": "hot-only",
            "type": "nurture",
            "unless": {"temperatures": ["hot"], "statuses": []},
        },
        {"name": "sales-ready", "type": "reps"},
    )
    nurtured = route(cold_sql, reps, [], now=NOW, policy=hot_only)
    assert (nurtured.kind, nurtured.rule_path) == ("nurture", ("hot-only", "nurture"))


def test_segments_from_the_company_size_or_a_named_segment() -> None:
    segments = policy(
        segments={"field": "employees", "enterprise": 1000, "mid-market": 200, "smb": 0}
    ).segments
    assert segments.of({"employees": "1,000+"}) == "enterprise"
    assert segments.of({"employees": "250"}) == "mid-market"
    assert segments.of({"employees": 12}) == "smb"
    assert segments.of({"employees": "a lot"}) is None
    assert segments.of({}) is None
    assert segments.of({"employees": 12, "segment": "Enterprise"}) == "enterprise"
    assert segments.of({"segment": "galactic"}) is None


def test_regions_are_named_sets_of_countries() -> None:
    config = RouterConfig.model_validate(
        {
            "regions": {"nordics": ["dk", "SE", "NO", "FI"], "dach": ["DE", "AT", "CH"]},
            "reps": [{"id": "rep-x", "name": "X", "territories": ["nordics", "IS"]}],
            "partners": [{"id": "partner-y", "name": "Y", "territories": ["dach"]}],
            "routing": {
                "rules": [{"name": "nordic", "type": "reps", "match": {"countries": ["nordics"]}}]
            },
        }
    )
    assert config.reps[0].territories == ("DK", "SE", "NO", "FI", "IS")
    assert config.partners[0].territories == ("DE", "AT", "CH")
    assert config.routing.rules[1].match.countries == ("DK", "SE", "NO", "FI")
    with pytest.raises(ValidationError, match="alpha-2"):
        RouterConfig.model_validate(
            {"reps": [{"id": "rep-x", "name": "X", "territories": ["nordics"]}]}
        )


def test_names_the_configuration_uses_must_exist() -> None:
    with pytest.raises(ValidationError, match="segments enterprise are not among"):
        RouterConfig.model_validate(
            {
                "reps": [
                    {"id": "rep-x", "name": "X", "territories": ["US"], "segments": ["enterprise"]}
                ]
            }
        )
    with pytest.raises(ValidationError, match="no reps rep-nobody"):
        RouterConfig.model_validate(
            {"routing": {"rules": [{"name": "a", "type": "reps", "reps": ["rep-nobody"]}]}}
        )


def test_the_example_configuration_is_valid_and_keeps_its_team() -> None:
    config = load_config(EXAMPLE_CONFIG, RouterConfig)
    reps = {r.id: r for r in config.reps}
    assert set(reps) >= {"rep-anna", "rep-ben", "rep-eve", "rep-chloe", "rep-dev"}
    assert (reps["rep-ben"].weight, reps["rep-eve"].weight) == (1, 2)
    assert reps["rep-ben"].territories == reps["rep-eve"].territories == ("US", "CA")
    assert reps["rep-anna"].territories == ("DK", "SE", "NO", "FI")
    assert all(r.capacity == 50 and r.active for r in reps.values())
    assert {p.id for p in config.partners} == {"partner-northwind", "partner-globex"}
    assert [r.type for r in config.routing.rules] == [r.type for r in DEFAULT_RULES]


def test_partners_sharing_a_territory_split_its_leads_by_weight() -> None:
    partners = [
        Partner(id="partner-a", name="A", territories=("AU",), weight=1),
        Partner(id="partner-b", name="B", territories=("AU", "NZ"), weight=3),
    ]
    decisions = route_all([RoutingInput("AU", "cold", "lead")] * 40, [], partners, NOW)
    got = [d.assignee_id for d in decisions]
    for n in range(1, len(got) + 1):
        assert abs(got[:n].count("partner-a") - n / 4) <= 1, got[:n]
        assert abs(got[:n].count("partner-b") - 3 * n / 4) <= 1, got[:n]
    assert "weight 3 of 4" in decisions[0].reason
    # New Zealand is B's alone: it takes no turn from A
    assert route(RoutingInput("NZ", "hot", "sql"), [], partners, now=NOW).assignee_id == "partner-b"


def test_partner_turns_carry_the_rotation_to_the_next_batch() -> None:
    partners = [
        Partner(id="partner-a", name="A", territories=("AU",)),
        Partner(id="partner-b", name="B", territories=("AU",)),
    ]
    first = route_all([RoutingInput("AU", "cold", "lead")], [], partners, NOW)
    turns = partner_turns(first, NOW)
    assert turns == {"partner-a": (-1, NOW), "partner-b": (1, None)}
    carried = [
        PartnerState(partner=p, credit=turns[p.id][0], last_offered_at=turns[p.id][1])
        for p in partners
    ]
    second = route_all([RoutingInput("AU", "cold", "lead")], [], carried, NOW)
    assert [d.assignee_id for d in (*first, *second)] == ["partner-a", "partner-b"]


def test_partner_segments() -> None:
    partners = [
        Partner(id="partner-big", name="Big", territories=("AU",), segments=("enterprise",)),
        Partner(id="partner-small", name="Small", territories=("AU",), segments=("smb",)),
    ]
    lead = RoutingInput("AU", "cold", "lead", segment="smb")
    assert route(lead, [], partners, now=NOW).assignee_id == "partner-small"


BY_COMPANY = policy(
    {"name": "owner", "type": "owner", "by": ["person", "company"]},
    {"name": "sales-ready", "type": "reps"},
)


def test_by_company_a_companys_leads_go_to_whoever_has_the_company() -> None:
    reps = [state("rep-ben"), state("rep-eve")]
    leads = [
        hot(company="acme.example"),
        hot(company="other.example"),
        hot(company="acme.example"),
        hot(),
    ]
    decisions = route_all(leads, reps, [], NOW, policy=BY_COMPANY)
    assert [d.assignee_id for d in decisions] == ["rep-ben", "rep-eve", "rep-ben", "rep-eve"]
    assert decisions[2].rule_path == ("owner", "company:acme.example", "rep-ben")
    assert decisions[2].reason == "Ben has the leads of acme.example"
    # by default the company is not asked: plain rotation
    plain = route_all(leads, reps, [], NOW)
    assert [d.assignee_id for d in plain] == ["rep-ben", "rep-eve", "rep-ben", "rep-eve"]
    assert plain[2].rule_path[0] == "sales-ready"


def test_by_company_an_owner_who_cannot_take_it_now_passes_it_on() -> None:
    owner = Decision("rep", "rep-ben", (), "earlier")
    reps = [state("rep-ben", capacity=1, open_leads=1), state("rep-eve")]
    lead = hot(company="acme.example")
    assert (
        route(lead, reps, [], now=NOW, policy=BY_COMPANY, company_owner=owner).assignee_id
        == "rep-eve"
    )
    # the person's own rep comes before the company's
    person = Decision("rep", "rep-eve", (), "earlier")
    both = route(
        hot(company="acme.example", duplicate_of=uuid.uuid4()),
        [state("rep-ben"), state("rep-eve")],
        [],
        person,
        now=NOW,
        policy=BY_COMPANY,
        company_owner=owner,
    )
    assert both.assignee_id == "rep-eve" and both.rule_path[1].startswith("first:")


def test_a_company_is_its_email_domain_unless_free_mail() -> None:
    assert company_domain("Ana@Acme.Example", ()) == "acme.example"
    assert company_domain("ana@gmail.com", ("free_mail",)) is None
    assert company_domain("x@mailinator.com", ("disposable_domain", "role")) is None
    assert company_domain(None, ()) is None and company_domain("no-at-sign", ()) is None
