"""Deciding where a scored lead goes.

1. A lead verification sent to review goes to the review queue: never to a rep or partner.
2. A repeat of an earlier lead by the same person (verify's ``duplicate_of``) goes to whoever
   has that person's first lead: the same rep while active and under capacity, or the same
   partner.
3. A lead from a partner's territory is offered to that partner, whatever its temperature
   (unless the partner's webhook is marked unhealthy: then it is skipped).
4. A hot or SQL lead goes to an active rep covering its country, in a weighted rotation
   (smooth weighted round robin: every covering rep gains its weight in credit, the one
   with the most credit gets the lead and gives back the covering reps' total weight; ties
   go to whoever waited longest, then by id, never by when a rep was created). Among the
   same reps, each cycle of as many leads as their weights add up to gives each rep
   exactly its weight's share, interleaved rather than in bursts. A repeat that goes to its
   person's rep (rule 2) takes no turn. With equal weights this is plain round robin. A
   rep with as many open leads as their capacity (assigned, and not yet closed by
   feedback) gets no more; when every rep who covers the country is full, the lead waits
   in the sales queue.
5. Everything else goes to the nurture queue.

A batch of leads is routed in order, each decision's credits and open leads counting for
the leads after it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow_router.partners.domain import Partner
from leadflow_router.reps.domain import RepState
from leadflow_shared.events.v1 import AssigneeKind, LifecycleStatus, Temperature

NURTURE_QUEUE = "nurture"
REVIEW_QUEUE = "review"
SALES_QUEUE = "sales"  # sales-ready leads no rep has room for


@dataclass(frozen=True)
class RoutingInput:
    country: str | None
    temperature: Temperature
    status: LifecycleStatus
    lead_id: uuid.UUID | None = None
    needs_review: bool = False
    review_reason: str = ""
    duplicate_of: uuid.UUID | None = None


@dataclass(frozen=True)
class Decision:
    kind: AssigneeKind
    assignee_id: str
    rule_path: tuple[str, ...]
    reason: str
    # the covering reps' credits after a rotation's pick (none for other decisions)
    credits: tuple[tuple[str, int], ...] = ()


def _review(lead: RoutingInput) -> Decision:
    why = lead.review_reason or "verification sent it to review"
    return Decision(
        kind="queue",
        assignee_id=REVIEW_QUEUE,
        rule_path=("needs-review", REVIEW_QUEUE),
        reason=f"held for review, never pushed to a rep: {why}",
    )


def _owner(
    lead: RoutingInput,
    owner: Decision,
    reps: Sequence[RepState],
    partners: Sequence[Partner],
) -> Decision | None:
    """The first lead's assignee, when it can take the repeat too."""
    if owner.kind == "rep":
        state = next((s for s in reps if s.rep.id == owner.assignee_id), None)
        if state is None or not state.rep.active or not state.has_room:
            return None
        name = state.rep.name
    elif owner.kind == "partner":
        partner = next((p for p in partners if p.id == owner.assignee_id), None)
        if partner is None or not partner.active:
            return None
        name = partner.name
    else:
        return None
    return Decision(
        kind=owner.kind,
        assignee_id=owner.assignee_id,
        rule_path=("repeat", f"first:{lead.duplicate_of}", owner.assignee_id),
        reason=f"the same person as lead {lead.duplicate_of}, which {name} has",
    )


def _next_in_turn(state: RepState, gained: int) -> tuple[int, bool, datetime | str, str]:
    """The order of the rotation's pick: most credit; then never assigned, then the
    longest-waiting; the id last."""
    waited: tuple[bool, datetime | str] = (
        (False, "") if state.last_assigned_at is None else (True, state.last_assigned_at)
    )
    return (-(state.credit + gained), *waited, state.rep.id)


def route(
    lead: RoutingInput,
    reps: Sequence[RepState],
    partners: Sequence[Partner],
    owner: Decision | None = None,
) -> Decision:
    """Where ``lead`` goes; ``owner`` is where the first lead of its person went."""
    if lead.needs_review:
        return _review(lead)
    if owner is not None:
        kept = _owner(lead, owner, reps, partners)
        if kept is not None:
            return kept
    country = lead.country
    if country is not None:
        for partner in partners:
            if partner.active and partner.healthy and country in partner.territories:
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
    with_room = [s for s in covering if s.has_room]
    if not with_room:
        names = ", ".join(s.rep.name for s in covering)
        return Decision(
            kind="queue",
            assignee_id=SALES_QUEUE,
            rule_path=("sales-ready", f"country:{country}", "at-capacity", SALES_QUEUE),
            reason=f"every rep who covers {country} is at capacity ({names}): waits in the "
            "sales queue",
        )
    chosen, credits, share = next_in_rotation(with_room)
    return Decision(
        kind="rep",
        assignee_id=chosen.rep.id,
        rule_path=("sales-ready", f"country:{country}", "round-robin", chosen.rep.id),
        reason=f"{lead.temperature} {lead.status.upper()} lead from {country}: "
        f"{chosen.rep.name} covers it and is next in turn{share}",
        credits=credits,
    )


def next_in_rotation(
    covering: Sequence[RepState],
) -> tuple[RepState, tuple[tuple[str, int], ...], str]:
    """The rotation's pick among ``covering`` (reps with room), every covering rep's credit
    after it, and the pick's share when weights differ (" (weight 2 of 3)", else "")."""
    chosen = min(covering, key=lambda s: _next_in_turn(s, s.rep.weight))
    total = sum(s.rep.weight for s in covering)
    credits = tuple(
        (s.rep.id, s.credit + s.rep.weight - (total if s is chosen else 0)) for s in covering
    )
    weighted = len({s.rep.weight for s in covering}) > 1
    share = f" (weight {chosen.rep.weight} of {total})" if weighted else ""
    return chosen, credits, share


def assigned_at(now: datetime, n: int) -> datetime:
    """When the n-th lead of a batch routed at ``now`` counts as assigned: ``n``
    microseconds later, so that the order within the batch is kept."""
    return now + timedelta(microseconds=n)


def route_all(
    leads: Sequence[RoutingInput],
    reps: Sequence[RepState],
    partners: Sequence[Partner],
    now: datetime,
    owners: Mapping[uuid.UUID, Decision] | None = None,
) -> list[Decision]:
    """Route ``leads`` in order, as if one at a time; ``owners`` are the assignments of
    first leads routed before (a first lead earlier in the batch counts too)."""
    states = {state.rep.id: state for state in reps}
    known = dict(owners or {})
    decisions = []
    for n, lead in enumerate(leads):
        owner = known.get(lead.duplicate_of) if lead.duplicate_of else None
        decision = route(lead, list(states.values()), partners, owner)
        if lead.lead_id is not None:
            known[lead.lead_id] = decision
        for rep_id, credit in decision.credits:
            states[rep_id] = states[rep_id].model_copy(update={"credit": credit})
        if decision.kind == "rep":
            state = states[decision.assignee_id]
            states[decision.assignee_id] = state.model_copy(
                update={"last_assigned_at": assigned_at(now, n), "open_leads": state.open_leads + 1}
            )
        decisions.append(decision)
    return decisions


@dataclass(frozen=True)
class RepTurn:
    """A rep's part in a batch: how many leads, when they got the last (None: no lead, only
    their credit moved), and their credit in the rotation after it."""

    leads: int
    last_assigned_at: datetime | None
    credit: int | None = None


def rep_turns(
    decisions: Sequence[Decision | None],
    now: datetime,
    routed: Sequence[Decision] | None = None,
) -> dict[str, RepTurn]:
    """The reps whose rotation moved among ``decisions`` (a batch routed at ``now``, in
    order; None for a lead whose decision was not kept). The credits are those of every
    decision ``routed`` (all of the batch's, kept or not: each decision's credits build
    on the ones before it), so that they stay whole when one is dropped."""
    turns: dict[str, RepTurn] = {}
    moved = routed if routed is not None else [d for d in decisions if d is not None]
    for made in moved:
        for rep_id, credit in made.credits:
            before = turns.get(rep_id, RepTurn(0, None))
            turns[rep_id] = RepTurn(before.leads, before.last_assigned_at, credit)
    for n, kept in enumerate(decisions):
        if kept is not None and kept.kind == "rep":
            before = turns.get(kept.assignee_id, RepTurn(0, None))
            turns[kept.assignee_id] = RepTurn(before.leads + 1, assigned_at(now, n), before.credit)
    return turns
