"""Deciding where a lead goes: the routing policy's rules, in order (see
``leadflow_router.policy.domain``). By default:

1. ``needs-review``: a lead verification sent to review goes to the review queue: never to
   a rep or partner.
2. ``repeat``: a repeat of an earlier lead by the same person (verify's ``duplicate_of``)
   goes to whoever has that person's first lead: the same rep while they can take it
   (active, not out of office, at work, under capacity and daily cap), or the same partner.
   (With ``by: [person, company]`` a company's lead goes to whoever has its company's
   leads, the same way; off by default.)
3. ``partner-territory``: a lead from a partner's territory is offered to that partner,
   whatever its temperature (unless the partner's webhook is marked unhealthy: then it is
   skipped); partners sharing the territory share its leads by weight.
4. ``not-sales-ready``: a lead neither hot nor SQL goes to the nurture queue.
5. ``sales-ready``: the reps who cover the lead's country (and speak its language, and take
   its segment) share it in a weighted rotation (see ``rotation``) among those who can take
   it now (see ``eligibility``). A repeat that goes to its person's rep (rule 2) takes no
   turn. When every such rep is unavailable, the lead waits in the sales queue; when no
   active rep covers it, it is nurtured.

A batch of leads is routed in order, each decision's credits, open leads and leads of the
day counting for the leads after it. Routing a lead again (a rejection, a timed-out
assignment) is the same routing with the assignees to leave out (:class:`Again`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from leadflow_router.assignments.domain.eligibility import (
    CAPACITY,
    ELIGIBLE,
    Verdict,
    Wanted,
    grouped,
    verdict,
)
from leadflow_router.assignments.domain.rotation import Runner, pick
from leadflow_router.partners.domain import Partner, PartnerState
from leadflow_router.policy.domain import RoutingPolicy, Rule
from leadflow_router.reps.domain import RepState
from leadflow_shared.events.v1 import AssigneeKind, LifecycleStatus, Temperature

NURTURE_QUEUE = "nurture"
REVIEW_QUEUE = "review"
SALES_QUEUE = "sales"  # sales-ready leads no rep has room for
DEFAULT_POLICY = RoutingPolicy()
# the default reps rule: a path routing a lead again leaves its name out, as it always did
SALES_READY = "sales-ready"


@dataclass(frozen=True)
class RoutingInput:
    country: str | None
    temperature: Temperature
    status: LifecycleStatus
    lead_id: uuid.UUID | None = None
    needs_review: bool = False
    review_reason: str = ""
    duplicate_of: uuid.UUID | None = None
    language: str | None = None  # ISO 639-1, from the lead's language tag
    segment: str | None = None  # one of the policy's segments
    company: str | None = None  # its email address's domain, unless a free-mail one


@dataclass(frozen=True)
class Decision:
    kind: AssigneeKind
    assignee_id: str
    rule_path: tuple[str, ...]
    reason: str
    # the covering reps' credits after a rotation's pick (none for other decisions)
    credits: tuple[tuple[str, int], ...] = ()
    # every rep a reps rule looked at: (rep id, "eligible" or why they were skipped)
    considered: tuple[tuple[str, str], ...] = ()
    # the partners' credits after a pick among partners sharing a territory
    partner_credits: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Again:
    """Routing a lead again: ``head`` starts the rule path (``("rejected", "rep:rep-ben")``),
    ``said`` starts the reason ("Ben rejected it"), and nobody in ``excluded`` (tags
    ``rep:<id>``, ``partner:<id>``) gets it."""

    head: tuple[str, ...]
    said: str
    excluded: Collection[str] = field(default_factory=frozenset)


def _review(lead: RoutingInput, rule: Rule) -> Decision:
    why = lead.review_reason or "verification sent it to review"
    return Decision(
        kind="queue",
        assignee_id=REVIEW_QUEUE,
        rule_path=(rule.name, REVIEW_QUEUE),
        reason=f"held for review, never pushed to a rep: {why}",
    )


def _owner(
    owner: Decision,
    reps: Sequence[RepState],
    partners: Sequence[PartnerState],
    now: datetime | None,
    excluded: Collection[str],
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The name of ``owner``'s assignee (and the rep's verdict) when they can take the lead
    too: a rep who can take a lead now (wherever it is from), an active partner whose
    webhook (if any) is healthy."""
    if owner.kind == "rep":
        state = next((s for s in reps if s.rep.id == owner.assignee_id), None)
        # the person's (or company's) rep keeps them wherever the lead is from
        if state is None or not verdict(state, None, now, excluded).eligible:
            return None
        return state.rep.name, ((state.rep.id, ELIGIBLE),)
    if owner.kind == "partner":
        found = next((p for p in partners if p.partner.id == owner.assignee_id), None)
        if (
            found is None
            or not found.partner.active
            or not found.partner.healthy  # its webhook keeps failing: skipped until it mends
            or f"partner:{found.partner.id}" in excluded
        ):
            return None
        return found.partner.name, ()
    return None


def _kept(
    lead: RoutingInput,
    rule: Rule,
    owners: tuple[Decision | None, Decision | None],
    reps: Sequence[RepState],
    partners: Sequence[PartnerState],
    now: datetime | None,
    excluded: Collection[str],
) -> Decision | None:
    """The owner rule: the person's first lead's assignee, else the company's."""
    person, company = owners
    if "person" in rule.by and person is not None:
        found = _owner(person, reps, partners, now, excluded)
        if found is not None:
            name, considered = found
            return Decision(
                kind=person.kind,
                assignee_id=person.assignee_id,
                rule_path=(rule.name, f"first:{lead.duplicate_of}", person.assignee_id),
                reason=f"the same person as lead {lead.duplicate_of}, which {name} has",
                considered=considered,
            )
    if "company" in rule.by and company is not None and lead.company:
        found = _owner(company, reps, partners, now, excluded)
        if found is not None:
            name, considered = found
            return Decision(
                kind=company.kind,
                assignee_id=company.assignee_id,
                rule_path=(rule.name, f"company:{lead.company}", company.assignee_id),
                reason=f"{name} has the leads of {lead.company}",
                considered=considered,
            )
    return None


def _partner(
    lead: RoutingInput, rule: Rule, partners: Sequence[PartnerState], excluded: Collection[str]
) -> Decision | None:
    country = lead.country
    if country is None:
        return None
    sharing = [
        s
        for s in partners
        if s.partner.active
        and s.partner.healthy
        and country in s.partner.territories
        and (not lead.segment or not s.partner.segments or lead.segment in s.partner.segments)
        and f"partner:{s.partner.id}" not in excluded
    ]
    if not sharing:
        return None
    runners = [Runner(s.partner.id, s.partner.weight, s.credit, s.last_offered_at) for s in sharing]
    chosen, credits, share = pick(runners)
    partner = sharing[chosen].partner
    return Decision(
        kind="partner",
        assignee_id=partner.id,
        rule_path=(rule.name, f"country:{country}", partner.id),
        reason=f"{country} is in {partner.name}'s territory{share}",
        partner_credits=credits,
    )


def _nurture(lead: RoutingInput, rule: Rule) -> Decision | None:
    if lead.temperature in rule.unless.temperatures or lead.status in rule.unless.statuses:
        return None
    return Decision(
        kind="nurture",
        assignee_id=NURTURE_QUEUE,
        rule_path=(rule.name, NURTURE_QUEUE),
        reason=f"a {lead.temperature} {lead.status.upper()} lead is nurtured until it warms up",
    )


@dataclass(frozen=True)
class _Looked:
    """What a reps rule found when no rep matched: the next rule decides."""

    rule: Rule
    verdicts: tuple[Verdict, ...]


def _reps(
    lead: RoutingInput,
    rule: Rule,
    reps: Sequence[RepState],
    now: datetime | None,
    again: Again | None,
) -> Decision | _Looked:
    wanted = Wanted(lead.country, lead.language, lead.segment)
    candidates = [s for s in reps if not rule.reps or s.rep.id in rule.reps]
    excluded = again.excluded if again else ()
    verdicts = tuple(verdict(s, wanted, now, excluded) for s in candidates)
    considered = tuple((v.rep.rep.id, v.text) for v in verdicts)
    matching = [v for v in verdicts if v.matches]
    if not matching:
        return _Looked(rule, verdicts)
    country = lead.country
    name = () if again is not None and rule.name == SALES_READY else (rule.name,)
    eligible = [v.rep for v in matching if v.eligible]
    if not eligible:
        unavailable = grouped(matching)
        if again is not None:
            label = "no-rep-left"
            reason = (
                f"{again.said}; no other rep who covers {country} can take it ({unavailable}): "
                f"waits in the {rule.fallback} queue"
            )
        elif all(v.category == CAPACITY for v in matching):
            label = "at-capacity"
            names = ", ".join(v.rep.rep.name for v in matching)
            reason = (
                f"every rep who covers {country} is at capacity ({names}): waits in the "
                f"{rule.fallback} queue"
            )
        else:
            label = "none-available"
            reason = (
                f"no rep who covers {country} can take it now ({unavailable}): waits in the "
                f"{rule.fallback} queue"
            )
        return Decision(
            kind="queue",
            assignee_id=rule.fallback,
            rule_path=(*name, f"country:{country}", label, rule.fallback),
            reason=reason,
            considered=considered,
        )
    if rule.strategy == "least-busy":
        chosen = min(eligible, key=_least_busy)
        credits: tuple[tuple[str, int], ...] = ()
        label, why = "least-busy", f"has the fewest open leads ({chosen.open_leads})"
    else:
        chosen, credits, share = next_in_rotation(eligible)
        label, why = "round-robin", f"is next in turn{share}"
    if again is not None:
        reason = f"{again.said}; {chosen.rep.name} covers {country} and {why}"
    else:
        reason = (
            f"{lead.temperature} {lead.status.upper()} lead from {country}: "
            f"{chosen.rep.name} covers it and {why}"
        )
    return Decision(
        kind="rep",
        assignee_id=chosen.rep.id,
        rule_path=(*name, f"country:{country}", label, chosen.rep.id),
        reason=reason,
        credits=credits,
        considered=considered,
    )


def _least_busy(state: RepState) -> tuple[int, bool, datetime | str, str]:
    """Fewest open leads; then never assigned, then the longest-waiting; the id last."""
    waited: tuple[bool, datetime | str] = (
        (False, "") if state.last_assigned_at is None else (True, state.last_assigned_at)
    )
    return (state.open_leads, *waited, state.rep.id)


def _no_rep(lead: RoutingInput, looked: _Looked | None, again: Again | None) -> Decision:
    """No rule decided: nurture."""
    country = lead.country
    where = country or "an unknown country"
    rule_name = looked.rule.name if looked is not None else SALES_READY
    name = () if again is not None and rule_name == SALES_READY else (rule_name,)
    head = again.head if again is not None else ()
    reason = f"no active rep covers {where}"
    if looked is not None:
        # reps who cover the country but not the lead's language or segment
        near = [v.text for v in looked.verdicts if v.category in ("language", "segment")]
        if near:
            reason += f" for this lead ({'; '.join(sorted(set(near)))})"
    return Decision(
        kind="nurture",
        assignee_id=NURTURE_QUEUE,
        rule_path=(*head, *name, f"country:{country or '-'}", "no-rep", NURTURE_QUEUE),
        reason=f"{again.said}; {reason}" if again is not None else reason,
        considered=tuple((v.rep.rep.id, v.text) for v in looked.verdicts) if looked else (),
    )


def _states(partners: Sequence[Partner | PartnerState]) -> list[PartnerState]:
    return [p if isinstance(p, PartnerState) else PartnerState(partner=p) for p in partners]


def route(
    lead: RoutingInput,
    reps: Sequence[RepState],
    partners: Sequence[Partner | PartnerState],
    owner: Decision | None = None,
    *,
    now: datetime | None = None,
    policy: RoutingPolicy = DEFAULT_POLICY,
    again: Again | None = None,
    company_owner: Decision | None = None,
) -> Decision:
    """Where ``lead`` goes at ``now`` under ``policy``; ``owner`` is where the first lead of
    its person went, ``company_owner`` who has its company's leads; ``again``: routing it
    again. ``now`` None is only for reps with no hours and no out-of-office periods."""
    partner_states = _states(partners)
    excluded = again.excluded if again else ()
    looked: _Looked | None = None
    for rule in policy.rules:
        if rule.type == "review":
            if lead.needs_review:
                return _review(lead, rule)
            continue
        if not rule.match.holds(
            lead.country, lead.language, lead.segment, lead.temperature, lead.status
        ):
            continue
        decided: Decision | _Looked | None = None
        if rule.type == "owner":
            owners = (owner, company_owner)
            decided = _kept(lead, rule, owners, reps, partner_states, now, excluded)
        elif rule.type == "partners":
            decided = _partner(lead, rule, partner_states, excluded)
        elif rule.type == "nurture":
            decided = _nurture(lead, rule)
        else:
            decided = _reps(lead, rule, reps, now, again)
        if isinstance(decided, _Looked):
            looked = decided
        elif decided is not None:
            if again is None:
                return decided
            # a reps rule words its reason for routing again itself
            said = "" if rule.type == "reps" else f"{again.said}; "
            return replace(
                decided,
                rule_path=(*again.head, *decided.rule_path),
                reason=said + decided.reason,
            )
    return _no_rep(lead, looked, again)


def next_in_rotation(
    covering: Sequence[RepState],
) -> tuple[RepState, tuple[tuple[str, int], ...], str]:
    """The rotation's pick among ``covering`` (reps who can take the lead), every covering
    rep's credit after it, and the pick's share when weights differ (" (weight 2 of 3)",
    else "")."""
    runners = [Runner(s.rep.id, s.rep.weight, s.credit, s.last_assigned_at) for s in covering]
    chosen, credits, share = pick(runners)
    return covering[chosen], credits, share


def assigned_at(now: datetime, n: int) -> datetime:
    """When the n-th lead of a batch routed at ``now`` counts as assigned: ``n``
    microseconds later, so that the order within the batch is kept."""
    return now + timedelta(microseconds=n)


def route_all(
    leads: Sequence[RoutingInput],
    reps: Sequence[RepState],
    partners: Sequence[Partner | PartnerState],
    now: datetime,
    owners: Mapping[uuid.UUID, Decision] | None = None,
    *,
    policy: RoutingPolicy = DEFAULT_POLICY,
    companies: Mapping[str, Decision] | None = None,
) -> list[Decision]:
    """Route ``leads`` in order, as if one at a time at ``now``; ``owners`` are the
    assignments of first leads routed before, ``companies`` who has each company's leads
    (a lead earlier in the batch counts for both)."""
    states = {state.rep.id: state for state in reps}
    offered = {s.partner.id: s for s in _states(partners)}
    known = dict(owners or {})
    held = dict(companies or {})
    decisions = []
    for n, lead in enumerate(leads):
        owner = known.get(lead.duplicate_of) if lead.duplicate_of else None
        decision = route(
            lead,
            list(states.values()),
            list(offered.values()),
            owner,
            now=now,
            policy=policy,
            company_owner=held.get(lead.company) if lead.company else None,
        )
        if lead.lead_id is not None:
            known[lead.lead_id] = decision
        if lead.company and decision.kind in ("rep", "partner"):
            held[lead.company] = decision
        for rep_id, credit in decision.credits:
            states[rep_id] = states[rep_id].model_copy(update={"credit": credit})
        for partner_id, credit in decision.partner_credits:
            offered[partner_id] = offered[partner_id].model_copy(update={"credit": credit})
        if decision.kind == "rep":
            state = states[decision.assignee_id]
            states[decision.assignee_id] = state.model_copy(
                update={
                    "last_assigned_at": assigned_at(now, n),
                    "open_leads": state.open_leads + 1,
                    "today": state.today + 1,
                }
            )
        elif decision.kind == "partner":
            offered[decision.assignee_id] = offered[decision.assignee_id].model_copy(
                update={"last_offered_at": assigned_at(now, n)}
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


def partner_turns(
    decisions: Sequence[Decision | None],
    now: datetime,
    routed: Sequence[Decision] | None = None,
) -> dict[str, tuple[int, datetime | None]]:
    """The partners whose rotation moved: each one's credit after the batch and when it was
    last offered a lead of those kept (None: only its credit moved); as :func:`rep_turns`."""
    moved = routed if routed is not None else [d for d in decisions if d is not None]
    credits: dict[str, int] = {}
    for made in moved:
        credits.update(made.partner_credits)
    offered: dict[str, datetime] = {}
    for n, kept in enumerate(decisions):
        if kept is not None and kept.kind == "partner" and kept.assignee_id in credits:
            offered[kept.assignee_id] = assigned_at(now, n)
    return {p: (credit, offered.get(p)) for p, credit in credits.items()}
