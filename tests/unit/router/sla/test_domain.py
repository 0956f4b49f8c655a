"""SLAs as plain rules, with a fixed clock: each assignee's minutes, the deadline they give,
and where leads whose time ran out go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from leadflow_router.assignments.domain.rerouting import Rejection, tag
from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.config import RouterConfig
from leadflow_router.partners.domain import Partner
from leadflow_router.sla.domain import Sla, reroute_expired
from leadflow_shared.config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.unit.router.assignments.test_routing import rep

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
SLA = Sla(
    rep_accept_minutes=30,
    partner_answer_minutes=240,
    reps={"rep-eve": 60},
    partners={"partner-outback": 1440},
)
PARTNERS = [
    Partner(id="partner-northwind", name="Northwind", territories=("AU",)),
    Partner(id="partner-outback", name="Outback", territories=("AU", "NZ")),
]


def to(kind: str, assignee_id: str) -> Decision:
    return Decision(kind=kind, assignee_id=assignee_id, rule_path=(), reason="")  # type: ignore[arg-type]


def expired(
    country: str, by: tuple[str, str], *earlier: str, temperature: str = "hot"
) -> Rejection:
    return Rejection(
        country=country,
        temperature=temperature,  # type: ignore[arg-type]
        status="sql" if temperature == "hot" else "lead",
        rejected_by=by,  # type: ignore[arg-type]
        declined=(*earlier, tag(*by)),
        why="sla-expired",
    )


def test_each_assignee_has_the_minutes_of_its_kind_or_its_own() -> None:
    assert SLA.answer_by(to("rep", "rep-ben"), NOW) == NOW + timedelta(minutes=30)
    assert SLA.answer_by(to("rep", "rep-eve"), NOW) == NOW + timedelta(minutes=60)
    assert SLA.answer_by(to("partner", "partner-northwind"), NOW) == NOW + timedelta(hours=4)
    assert SLA.answer_by(to("partner", "partner-outback"), NOW) == NOW + timedelta(days=1)


def test_queues_nurture_and_no_configured_minutes_have_no_deadline() -> None:
    assert SLA.answer_by(to("queue", "sales"), NOW) is None
    assert SLA.answer_by(to("nurture", "nurture"), NOW) is None
    assert Sla().answer_by(to("rep", "rep-ben"), NOW) is None
    reps_only = Sla(rep_accept_minutes=5)
    assert reps_only.answer_by(to("partner", "partner-northwind"), NOW) is None
    assert reps_only.answer_by(to("rep", "rep-ben"), NOW) == NOW + timedelta(minutes=5)


def test_the_sla_is_read_from_the_configuration_file_and_refuses_nonsense() -> None:
    example = load_config(EXAMPLE_CONFIG, RouterConfig).sla
    assert (example.rep_accept_minutes, example.partner_answer_minutes) == (30, 240)
    assert RouterConfig().sla == Sla()  # no sla: part, no deadlines
    team = {"reps": [{"id": "rep-ben", "name": "Ben", "territories": ["US"]}]}
    assert RouterConfig.model_validate({**team, "sla": {"reps": {"rep-ben": 5}}}).sla.reps == {
        "rep-ben": 5
    }
    for wrong in (
        {"rep_accept_minutes": 0},
        {"reps": {"rep-ben": -5}},
        {"rep_minutes": 5},
        {"reps": {"rep-bne": 5}},  # a rep nobody configured
        {"partners": {"partner-ben": 5}},
    ):
        with pytest.raises(ValidationError):
            RouterConfig.model_validate({**team, "sla": wrong})


def test_a_lead_a_rep_let_expire_goes_to_the_next_rep_never_back() -> None:
    reps = [rep("rep-ben", "US", open_leads=1), rep("rep-eve", "US"), rep("rep-gil", "US")]
    [decision] = reroute_expired([expired("US", ("rep", "rep-ben"))], reps, PARTNERS)
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-eve")
    assert decision.rule_path == (
        "sla-expired",
        "rep:rep-ben",
        "country:US",
        "round-robin",
        "rep-eve",
    )
    assert decision.reason.startswith("Rep-Ben did not accept it in time; Rep-Eve covers US")
    [last] = reroute_expired(
        [expired("US", ("rep", "rep-gil"), "rep:rep-ben", "rep:rep-eve")], reps, PARTNERS
    )
    assert (last.kind, last.assignee_id) == ("queue", "sales")
    assert "declined by Rep-Ben, Rep-Eve, Rep-Gil" in last.reason


def test_a_partner_that_does_not_answer_loses_the_offer_to_the_next_partner_or_a_rep() -> None:
    kim = [rep("rep-kim", "AU")]
    first = reroute_expired([expired("AU", ("partner", "partner-northwind"))], kim, PARTNERS)
    assert [(d.kind, d.assignee_id) for d in first] == [("partner", "partner-outback")]
    assert first[0].rule_path[:2] == ("sla-expired", "partner:partner-northwind")
    then = reroute_expired(
        [expired("AU", ("partner", "partner-outback"), "partner:partner-northwind")], kim, PARTNERS
    )
    assert [(d.kind, d.assignee_id) for d in then] == [("rep", "rep-kim")]
    cold = reroute_expired(
        [expired("NZ", ("partner", "partner-outback"), temperature="cold")], kim, PARTNERS
    )
    assert [(d.kind, d.assignee_id) for d in cold] == [("nurture", "nurture")]


def test_a_batch_of_expired_leads_is_routed_in_order_each_counting_for_the_next() -> None:
    """Ben let two leads expire: both go on, one to each of the others in turn; Gil, with
    one place left, takes one only, and the freed place of the one who let a lead expire
    counts."""
    reps = [
        rep("rep-ben", "US", capacity=2, open_leads=2),
        rep("rep-eve", "US"),
        rep("rep-gil", "US", capacity=1, open_leads=0),
    ]
    leads = [expired("US", ("rep", "rep-ben")) for _ in range(3)]
    decisions = reroute_expired(leads, reps, PARTNERS)
    assert [d.assignee_id for d in decisions] == ["rep-eve", "rep-gil", "rep-eve"]
    # a lead Eve let expire may go to Ben, whose place the expiry of his own leads freed
    back = reroute_expired(
        [expired("US", ("rep", "rep-ben")), expired("US", ("rep", "rep-eve"))],
        [rep("rep-ben", "US", capacity=1, open_leads=1), rep("rep-eve", "US", capacity=1)],
        PARTNERS,
    )
    assert [d.assignee_id for d in back] == ["rep-eve", "rep-ben"]
