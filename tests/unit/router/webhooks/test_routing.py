"""Routing skips a partner whose webhook is marked unhealthy."""

from __future__ import annotations

from leadflow_router.assignments.domain.routing import RoutingInput, route
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
