from __future__ import annotations

from leadflow_router.assignments.domain.rerouting import Rejection, claimed, reroute, tag
from leadflow_router.partners.domain import Partner
from leadflow_router.reps.domain import Rep
from tests.unit.router.assignments.test_routing import rep

PARTNERS = [
    Partner(id="partner-northwind", name="Northwind", territories=("AU",)),
    Partner(id="partner-outback", name="Outback", territories=("AU", "NZ")),
]
US_REPS = [rep("rep-ben", "US"), rep("rep-eve", "US", weight=2), rep("rep-gil", "US")]


def rejected(
    country: str,
    by: tuple[str, str],
    *earlier: str,
    temperature: str = "hot",
    status: str = "sql",
) -> Rejection:
    return Rejection(
        country=country,
        temperature=temperature,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        rejected_by=by,  # type: ignore[arg-type]
        declined={tag(*by), *earlier},
    )


def test_a_reps_rejection_goes_to_the_next_rep_in_the_rotation() -> None:
    decision = reroute(rejected("US", ("rep", "rep-ben")), US_REPS, PARTNERS)
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-eve")
    assert decision.rule_path == ("rejected", "rep:rep-ben", "country:US", "round-robin", "rep-eve")
    assert decision.reason.startswith("Rep-Ben rejected it; Rep-Eve covers US")
    assert dict(decision.credits) == {"rep-eve": -1, "rep-gil": 1}  # Ben takes no part


def test_nobody_who_rejected_it_gets_it_again_and_a_full_rep_neither() -> None:
    reps = [*US_REPS[:2], rep("rep-gil", "US", capacity=2, open_leads=2)]
    decision = reroute(rejected("US", ("rep", "rep-eve"), "rep:rep-ben"), reps, PARTNERS)
    assert (decision.kind, decision.assignee_id) == ("queue", "sales")
    assert decision.reason == (
        "Rep-Eve rejected it; no other rep who covers US can take it (declined by Rep-Ben, "
        "Rep-Eve; at capacity: Rep-Gil): waits in the sales queue"
    )


def test_a_partners_rejection_goes_to_the_next_partner_then_a_rep_or_nurture() -> None:
    kim = [rep("rep-kim", "AU")]
    to_next = reroute(rejected("AU", ("partner", "partner-northwind")), kim, PARTNERS)
    assert (to_next.kind, to_next.assignee_id) == ("partner", "partner-outback")
    assert to_next.reason == "Northwind rejected it; AU is in Outback's territory"
    hot = reroute(
        rejected("AU", ("partner", "partner-outback"), "partner:partner-northwind"), kim, PARTNERS
    )
    assert (hot.kind, hot.assignee_id) == ("rep", "rep-kim")
    cold = reroute(
        rejected(
            "AU",
            ("partner", "partner-outback"),
            "partner:partner-northwind",
            temperature="cold",
            status="lead",
        ),
        kim,
        PARTNERS,
    )
    assert (cold.kind, cold.assignee_id) == ("nurture", "nurture")
    nobody = reroute(rejected("NZ", ("partner", "partner-outback")), kim, PARTNERS)
    assert (nobody.kind, nobody.assignee_id) == ("nurture", "nurture")
    assert "no active rep covers NZ" in nobody.reason


def test_a_claim_names_the_rep_and_the_queue() -> None:
    ben = Rep(id="rep-ben", name="Ben", territories=("US",))
    decision = claimed(ben, "sales")
    assert (decision.kind, decision.assignee_id) == ("rep", "rep-ben")
    assert decision.rule_path == ("claimed", "queue:sales", "rep-ben")
