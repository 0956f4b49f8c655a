"""Deciding where a scored lead goes.

1. A lead from a partner's territory is offered to that partner, whatever its temperature.
2. A hot or SQL lead goes to an active rep covering its country, round robin (the rep who
   has waited longest for a lead gets the next one).
3. Everything else goes to the nurture queue.

A batch of leads is routed in order, each rep assignment moving that rep to the back of
the line for the leads after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow_router.partners.domain import Partner
from leadflow_router.reps.domain import RepState
from leadflow_shared.events.v1 import AssigneeKind, LifecycleStatus, Temperature

NURTURE_QUEUE = "nurture"


@dataclass(frozen=True)
class RoutingInput:
    country: str | None
    temperature: Temperature
    status: LifecycleStatus


@dataclass(frozen=True)
class Decision:
    kind: AssigneeKind
    assignee_id: str
    rule_path: tuple[str, ...]
    reason: str


def _oldest_first(state: RepState) -> tuple[bool, datetime | str, str]:
    # Reps never assigned come first; then the longest-waiting; the id breaks ties.
    if state.last_assigned_at is None:
        return (False, "", state.rep.id)
    return (True, state.last_assigned_at, state.rep.id)


def route(lead: RoutingInput, reps: Sequence[RepState], partners: Sequence[Partner]) -> Decision:
    country = lead.country
    if country is not None:
        for partner in partners:
            if partner.active and country in partner.territories:
                return Decision(
                    kind="partner",
                    assignee_id=partner.id,
                    rule_path=("partner-territory", f"country:{country}", partner.id),
                    reason=f"{country} is in {partner.name}'s territory",
                )
    if lead.temperature != "hot" and lead.status != "sql":
        return Decision(
            kind="nurture",
            assignee_id=NURTURE_QUEUE,
            rule_path=("not-sales-ready", NURTURE_QUEUE),
            reason=f"a {lead.temperature} {lead.status.upper()} lead is nurtured until it warms up",
        )
    covering = [s for s in reps if s.rep.active and country in s.rep.territories]
    if not covering:
        where = country or "an unknown country"
        return Decision(
            kind="nurture",
            assignee_id=NURTURE_QUEUE,
            rule_path=("sales-ready", f"country:{country or '-'}", "no-rep", NURTURE_QUEUE),
            reason=f"no active rep covers {where}",
        )
    chosen = min(covering, key=_oldest_first)
    return Decision(
        kind="rep",
        assignee_id=chosen.rep.id,
        rule_path=("sales-ready", f"country:{country}", "round-robin", chosen.rep.id),
        reason=f"{lead.temperature} {lead.status.upper()} lead from {country}: "
        f"{chosen.rep.name} covers it and is next in turn",
    )


def assigned_at(now: datetime, n: int) -> datetime:
    """When the n-th lead of a batch routed at ``now`` counts as assigned: ``n``
    microseconds later, so that the order within the batch is kept."""
    return now + timedelta(microseconds=n)


def route_all(
    leads: Sequence[RoutingInput],
    reps: Sequence[RepState],
    partners: Sequence[Partner],
    now: datetime,
) -> list[Decision]:
    """Route ``leads`` in order, as if one at a time."""
    states = {state.rep.id: state for state in reps}
    decisions = []
    for n, lead in enumerate(leads):
        decision = route(lead, list(states.values()), partners)
        if decision.kind == "rep":
            states[decision.assignee_id] = states[decision.assignee_id].model_copy(
                update={"last_assigned_at": assigned_at(now, n)}
            )
        decisions.append(decision)
    return decisions


@dataclass(frozen=True)
class RepTurn:
    """A rep's share of a batch: how many leads, and when they got the last."""

    leads: int
    last_assigned_at: datetime


def rep_turns(decisions: Sequence[Decision | None], now: datetime) -> dict[str, RepTurn]:
    """The reps who got leads among ``decisions`` (a batch routed at ``now``, in order;
    None for a lead whose decision was not kept)."""
    turns: dict[str, RepTurn] = {}
    for n, decision in enumerate(decisions):
        if decision is not None and decision.kind == "rep":
            before = turns.get(decision.assignee_id)
            turns[decision.assignee_id] = RepTurn(
                (before.leads if before else 0) + 1, assigned_at(now, n)
            )
    return turns
