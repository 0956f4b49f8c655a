"""Routing skips a partner whose webhook is marked unhealthy."""

from __future__ import annotations

import uuid

from leadflow_router.assignments.domain.routing import Decision, RoutingInput, route
from leadflow_router.partners.domain import Partner

NORTHWIND = Partner(id="partner-northwind", name="Northwind", territories=("AU",))
OUTBACK = Partner(id="partner-outback", name="Outback", territories=("AU", "NZ"))


def test_an_unhealthy_partner_is_skipped_for_the_next_one() -> None:
    lead = RoutingInput(country="AU", temperature="cold", status="lead")
    unhealthy = NORTHWIND.model_copy(update={"healthy": False})
    assert route(lead, [], [NORTHWIND, OUTBACK]).assignee_id == "partner-northwind"
    assert route(lead, [], [unhealthy, OUTBACK]).assignee_id == "partner-outback"
    alone = route(lead, [], [unhealthy])
    assert (alone.kind, alone.assignee_id) == ("nurture", "nurture")


def test_a_repeat_does_not_go_back_to_its_partner_while_the_partner_is_unhealthy() -> None:
    first = uuid.uuid4()
    owner = Decision(
        kind="partner", assignee_id="partner-northwind", rule_path=("partners",), reason="AU"
    )
    repeat = RoutingInput(country="NZ", temperature="cold", status="lead", duplicate_of=first)
    kept = route(repeat, [], [NORTHWIND, OUTBACK], owner)
    assert kept.assignee_id == "partner-northwind" and kept.rule_path[0] == "repeat"
    unhealthy = NORTHWIND.model_copy(update={"healthy": False})
    moved = route(repeat, [], [unhealthy, OUTBACK], owner)
    assert moved.assignee_id == "partner-outback"  # NZ is Outback's too
