from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from leadflow_router.assignments.domain.routing import (
    Decision,
    RepTurn,
    RoutingInput,
    rep_turns,
    route,
    route_all,
)
from leadflow_router.config import RouterConfig
from leadflow_router.partners.domain import Partner
from leadflow_router.reps.domain import Rep, RepState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PARTNERS = [
    Partner(id="partner-northwind", name="Northwind", territories=("AU", "NZ")),
    Partner(id="partner-globex", name="Globex", territories=("BR", "MX", "AR")),
]


def rep(
    rep_id: str,
    *countries: str,
    active: bool = True,
    last: datetime | None = None,
    weight: int = 1,
    capacity: int = 50,
    open_leads: int = 0,
) -> RepState:
    return RepState(
        rep=Rep(
            id=rep_id,
            name=rep_id.title(),
            territories=countries,
            active=active,
            weight=weight,
            capacity=capacity,
        ),
        last_assigned_at=last,
        open_leads=open_leads,
    )


REPS = [rep("rep-anna", "DK", "SE", "NO", "FI"), rep("rep-ben", "US", "CA")]


@pytest.mark.parametrize("temperature", ["cold", "warm", "hot"])
def test_partner_territory_wins_whatever_the_temperature(temperature: str) -> None:
    decision = route(RoutingInput("NZ", temperature, "lead"), REPS, PARTNERS)  # type: ignore[arg-type]
    assert (decision.kind, decision.assignee_id) == ("partner", "partner-northwind")


def test_inactive_partner_gets_nothing() -> None:
    partners = [PARTNERS[0].model_copy(update={"active": False})]
    decision = route(RoutingInput("AU", "hot", "sql"), REPS, partners)
    assert decision.kind == "nurture"


def test_hot_lead_goes_to_the_rep_covering_its_country() -> None:
    decision = route(RoutingInput("CA", "hot", "mql"), REPS, PARTNERS)
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-ben")
    assert decision.rule_path[-2:] == ("round-robin", "rep-ben")


def test_sql_lead_goes_to_a_rep_even_when_warm() -> None:
    assert route(RoutingInput("SE", "warm", "sql"), REPS, PARTNERS).assignee_id == "rep-anna"


@pytest.mark.parametrize(("temperature", "status"), [("warm", "mql"), ("cold", "lead")])
def test_leads_not_sales_ready_are_nurtured(temperature: str, status: str) -> None:
    decision = route(RoutingInput("US", temperature, status), REPS, PARTNERS)  # type: ignore[arg-type]
    assert (decision.kind, decision.assignee_id) == ("nurture", "nurture")


@pytest.mark.parametrize("country", ["JP", None])
def test_hot_lead_nobody_covers_is_nurtured_with_the_reason(country: str | None) -> None:
    decision = route(RoutingInput(country, "hot", "sql"), REPS, PARTNERS)
    assert decision.kind == "nurture"
    assert "no active rep covers" in decision.reason


def test_round_robin_gives_the_next_lead_to_whoever_waited_longest() -> None:
    reps = [
        rep("rep-a", "US", last=T0),
        rep("rep-b", "US", last=T0 - timedelta(minutes=5)),
        rep("rep-c", "US", last=T0 + timedelta(minutes=1)),
    ]
    assert route(RoutingInput("US", "hot", "sql"), reps, []).assignee_id == "rep-b"
    reps.append(rep("rep-d", "US"))  # never assigned: goes first
    assert route(RoutingInput("US", "hot", "sql"), reps, []).assignee_id == "rep-d"


def test_inactive_reps_are_skipped() -> None:
    reps = [rep("rep-a", "US", active=False), rep("rep-b", "US", last=T0)]
    assert route(RoutingInput("US", "hot", "sql"), reps, []).assignee_id == "rep-b"


def test_config_territories_must_be_country_codes() -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        RouterConfig.model_validate(
            {"reps": [{"id": "rep-x", "name": "X", "territories": ["USA"]}]}
        )
    config = RouterConfig.model_validate(
        {"reps": [{"id": "rep-x", "name": "X", "territories": ["us"]}]}
    )
    assert config.reps[0].territories == ("US",)


def test_a_batch_is_routed_as_if_one_lead_at_a_time_round_robin_included() -> None:
    reps = [rep("rep-ben", "US"), rep("rep-eve", "US", last=T0)]
    leads = [RoutingInput("US", "hot", "sql")] * 3 + [RoutingInput("AU", "cold", "lead")]
    decisions = route_all(leads, reps, PARTNERS, T0 + timedelta(hours=1))
    # Ben was never assigned, so he is first; then Eve, who waited longest; then Ben again.
    assert [d.assignee_id for d in decisions] == [
        "rep-ben",
        "rep-eve",
        "rep-ben",
        "partner-northwind",
    ]


def test_rep_turns_count_each_reps_leads_and_when_they_got_the_last() -> None:
    now = T0 + timedelta(hours=1)
    reps = [rep("rep-ben", "US"), rep("rep-eve", "US", last=T0)]
    decisions = route_all([RoutingInput("US", "hot", "sql")] * 3, reps, PARTNERS, now)
    turns = rep_turns(decisions, now)
    # credits (equal weights): +1 each a lead, the pick gives back 2: Ben -1, Eve 1, 0, 0,
    # then Ben (the tie to whoever waited longest) -1, Eve 1
    assert turns == {
        "rep-ben": RepTurn(leads=2, last_assigned_at=now + timedelta(microseconds=2), credit=-1),
        "rep-eve": RepTurn(leads=1, last_assigned_at=now + timedelta(microseconds=1), credit=1),
    }
    # A decision not kept (the lead was routed before) is no turn.
    assert rep_turns([None, decisions[1], None], now) == {
        "rep-ben": RepTurn(leads=0, last_assigned_at=None, credit=0),
        "rep-eve": RepTurn(leads=1, last_assigned_at=now + timedelta(microseconds=1), credit=0),
    }


def test_weights_share_the_leads_within_one_lead_of_their_weights() -> None:
    """Ben weight 1, Eve weight 2, Dev weight 3 (all US): after any number of leads each
    has their weight's share, give or take one; the pattern is smooth, not in bursts."""
    reps = [
        rep("rep-ben", "US", weight=1),
        rep("rep-eve", "US", weight=2),
        rep("rep-dev", "US", weight=3),
    ]
    decisions = route_all([RoutingInput("US", "hot", "sql")] * 60, reps, [], T0)
    got = [d.assignee_id for d in decisions]
    for n in range(1, len(got) + 1):
        for r in reps:
            share = n * r.rep.weight / 6
            assert abs(got[:n].count(r.rep.id) - share) <= 1, (n, r.rep.id, got[:n])
    assert got[:6].count("rep-dev") == 3 and got[:6].count("rep-ben") == 1
    assert "weight 3 of 6" in decisions[0].reason


def test_the_rotation_goes_on_where_the_last_batch_left_it() -> None:
    reps = [rep("rep-ben", "US", weight=1), rep("rep-eve", "US", weight=2)]
    first = route_all([RoutingInput("US", "hot", "sql")] * 2, reps, [], T0)
    turns = rep_turns(first, T0)
    carried = [
        r.model_copy(
            update={
                "credit": turns[r.rep.id].credit or 0,
                "last_assigned_at": turns[r.rep.id].last_assigned_at,
            }
        )
        for r in reps
    ]
    second = route_all(
        [RoutingInput("US", "hot", "sql")] * 4, carried, [], T0 + timedelta(minutes=1)
    )
    together = route_all([RoutingInput("US", "hot", "sql")] * 6, reps, [], T0)
    assert [d.assignee_id for d in (*first, *second)] == [d.assignee_id for d in together]


@pytest.mark.parametrize("country", ["US", "NZ", "JP"])
def test_a_lead_sent_to_review_goes_to_the_review_queue_never_to_a_rep_or_partner(
    country: str,
) -> None:
    lead = RoutingInput(country, "hot", "sql", needs_review=True, review_reason="disposable")
    decision = route(lead, REPS, PARTNERS)
    assert (decision.kind, decision.assignee_id) == ("queue", "review")
    assert decision.rule_path == ("needs-review", "review") and "disposable" in decision.reason


def test_a_repeat_goes_to_whoever_has_the_persons_first_lead() -> None:
    first, again, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    owner = route(RoutingInput("US", "hot", "sql"), REPS, PARTNERS)
    assert owner.assignee_id == "rep-ben"
    # a cold repeat from another country still goes to the first lead's rep
    repeat = RoutingInput("DK", "cold", "lead", lead_id=again, duplicate_of=first)
    decision = route(repeat, REPS, PARTNERS, owner)
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-ben")
    assert decision.rule_path == ("repeat", f"first:{first}", "rep-ben")
    assert str(first) in decision.reason
    # a rep no longer active does not keep it: it is routed as any lead
    gone = [rep("rep-anna", "DK"), rep("rep-ben", "US", active=False)]
    assert route(repeat, gone, PARTNERS, owner).assignee_id == "nurture"
    # nor does a queue
    nurtured = route(RoutingInput("JP", "cold", "lead"), REPS, PARTNERS)
    hot = RoutingInput("SE", "hot", "sql", lead_id=other, duplicate_of=first)
    assert route(hot, REPS, PARTNERS, nurtured).assignee_id == "rep-anna"


def test_a_repeat_in_the_same_batch_as_its_first_lead_follows_it() -> None:
    first, again = uuid.uuid4(), uuid.uuid4()
    leads = [
        RoutingInput("US", "hot", "sql", lead_id=first),
        RoutingInput("US", "hot", "sql", lead_id=uuid.uuid4()),
        RoutingInput("US", "warm", "mql", lead_id=again, duplicate_of=first),
    ]
    states = [rep("rep-ben", "US"), rep("rep-eve", "US")]
    decisions = route_all(leads, states, PARTNERS, T0)
    assert [d.assignee_id for d in decisions] == ["rep-ben", "rep-eve", "rep-ben"]
    assert decisions[2].rule_path[0] == "repeat"


def test_a_rep_at_capacity_gets_nothing_more_and_then_the_sales_queue_waits() -> None:
    reps = [rep("rep-ben", "US", capacity=2), rep("rep-eve", "US", capacity=1, open_leads=1)]
    decisions = route_all([RoutingInput("US", "hot", "sql")] * 4, reps, [], T0)
    assert [d.assignee_id for d in decisions] == ["rep-ben", "rep-ben", "sales", "sales"]
    assert decisions[2].kind == "queue" and "at capacity" in decisions[2].reason
    assert decisions[2].rule_path[-2:] == ("at-capacity", "sales")


def test_a_repeat_goes_elsewhere_when_its_first_leads_rep_is_full() -> None:
    first = uuid.uuid4()
    owner = Decision("rep", "rep-ben", ("sales-ready",), "earlier")
    reps = [rep("rep-ben", "US", capacity=1, open_leads=1), rep("rep-eve", "US")]
    lead = RoutingInput("US", "hot", "sql", duplicate_of=first)
    assert route(lead, reps, [], owner).assignee_id == "rep-eve"
    roomy = [rep("rep-ben", "US", capacity=2, open_leads=1), rep("rep-eve", "US")]
    assert route(lead, roomy, [], owner).assignee_id == "rep-ben"


def test_a_dropped_decision_keeps_the_credits_whole() -> None:
    """A lead routed before (under another event id) is dropped after routing: the credits
    after the batch are those of every decision made, so they still add up to zero."""
    reps = [rep("rep-a", "US"), rep("rep-b", "US", "CA")]
    leads = [RoutingInput("US", "hot", "sql"), RoutingInput("CA", "hot", "sql")]
    made = route_all(leads, reps, [], T0)
    assert [d.assignee_id for d in made] == ["rep-a", "rep-b"]
    turns = rep_turns([None, made[1]], T0, routed=made)  # the first was dropped
    assert turns["rep-a"].credit == -1 and turns["rep-b"].credit == 1  # adding up to 0
    assert turns["rep-a"].leads == 0 and turns["rep-b"].leads == 1
    # counted from the kept decisions alone, rep-a's move would be lost (credits add to 1)
    assert "rep-a" not in rep_turns([None, made[1]], T0)
