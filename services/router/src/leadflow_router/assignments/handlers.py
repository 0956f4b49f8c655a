"""assignments' use cases: routing scored leads (a stage handler) and reading where a
lead went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from leadflow_router.assignments.domain.details import LeadDetails
from leadflow_router.assignments.domain.routing import (
    Decision,
    RoutingInput,
    assigned_at,
    partner_turns,
    rep_turns,
    route_all,
)
from leadflow_router.assignments.history import HistoryRepository, Routing
from leadflow_router.assignments.publishing import publish_decision
from leadflow_router.assignments.repository import AssignmentRepository, NewAssignment
from leadflow_router.companies.domain import company_domain
from leadflow_router.companies.repository import CompanyOwner, CompanyRepository
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.policy.domain import RoutingPolicy
from leadflow_router.policy.repository import PolicyRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import NO_SLA, Sla
from leadflow_router.territories import language_of
from leadflow_shared.events import LeadScored
from leadflow_shared.events.envelope import first_per_lead
from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)


async def route_leads(
    uow: UnitOfWork, events: Sequence[LeadScored], *, clock: Clock, sla: Sla = NO_SLA
) -> None:
    """Decide who gets each scored lead of a batch, in order; publish ``lead.routed`` (and
    ``lead.offered`` on the partner's topic). A lead routed before, under another event id,
    is never routed twice. A lead given to a rep or partner must be accepted by the deadline
    ``sla`` sets. Set-based: one statement each to read the routing policy, lock the reps,
    count the capped reps' leads of the day (after the lock: every assignment committed
    before it counts), lock the partners, find the leads routed before and where their
    people's first leads went, record the assignments, their history and the reps' and
    partners' turns (and, when the policy asks, read and record who has each company)."""
    now = clock.now()
    assignments = AssignmentRepository(uow)
    reps = RepRepository(uow)
    partners = PartnerRepository(uow)
    policy = await PolicyRepository(uow).current()
    states = await reps.lock_all(now)
    offered = await partners.states(lock=True)
    candidates = first_per_lead(events)
    firsts = [e.data.lead.duplicate_of for e in candidates if e.data.lead.duplicate_of]
    known = await assignments.assigned([*(e.lead_id for e in candidates), *firsts])
    fresh = [e for e in candidates if e.lead_id not in known]
    inputs = [_routing_input(e, policy) for e in fresh]
    companies = CompanyRepository(uow)
    by_company = any(r.type == "owner" and "company" in r.by for r in policy.rules)
    held = await companies.owners([i.company for i in inputs if i.company] if by_company else [])
    decisions = route_all(inputs, states, offered, now, known, policy=policy, companies=held)
    details = [_details(e, i.segment) for e, i in zip(fresh, inputs, strict=True)]
    deadlines = [sla.answer_by(d, now) for d in decisions]
    stored = await assignments.add_new(
        [
            NewAssignment(
                e.lead_id, d, e.data.temperature, e.data.status, e.data.lead.contact.country, x, by
            )
            for e, d, x, by in zip(fresh, decisions, details, deadlines, strict=True)
        ]
    )
    kept = [d if e.lead_id in stored else None for e, d in zip(fresh, decisions, strict=True)]
    await reps.take_turns(rep_turns(kept, now, routed=decisions))
    await partners.take_turns(partner_turns(kept, now, routed=decisions))
    if by_company:
        await companies.record(company_owners(inputs, kept, now))
    await HistoryRepository(uow).add(
        [
            Routing(e.lead_id, 1, "routed", d, now, answer_by=by)
            for e, d, by in zip(fresh, kept, deadlines, strict=True)
            if d is not None
        ]
    )
    for event, decision, lead in zip(fresh, kept, details, strict=True):
        if decision is not None:
            log.debug(
                "lead routed",
                lead_id=str(event.lead_id),
                assignee=f"{decision.kind}:{decision.assignee_id}",
                reason=decision.reason,
                considered=dict(decision.considered),
            )
            publish_decision(
                uow,
                event.lead_id,
                lead,
                decision,
                event.data.temperature,
                event.data.status,
                now,
                cause=event,
            )
    if fresh:
        kinds = Counter(d.kind for d in kept if d is not None)
        log.info("leads routed", **{kind: kinds[kind] for kind in sorted(kinds)})


def _routing_input(event: LeadScored, policy: RoutingPolicy) -> RoutingInput:
    """What routing reads of a scored lead: its language is its language tag's (``en-us``:
    ``en``), its segment the policy's segment for its form's custom fields."""
    lead = event.data.lead
    return RoutingInput(
        country=lead.contact.country,
        temperature=event.data.temperature,
        status=event.data.status,
        lead_id=event.lead_id,
        needs_review=lead.outcome == "needs_review",
        review_reason="; ".join(r.message for r in lead.review_reasons),
        duplicate_of=lead.duplicate_of,
        language=language_of(lead.contact.language),
        segment=policy.segments.of(lead.custom),
        company=company_domain(lead.contact.email, lead.findings),
    )


def company_owners(
    inputs: Sequence[RoutingInput], kept: Sequence[Decision | None], now: datetime
) -> list[CompanyOwner]:
    """Each company's owner after a batch: the last rep or partner who got one of its
    leads (None: a lead not kept)."""
    last: dict[str, CompanyOwner] = {}
    for n, (lead, decision) in enumerate(zip(inputs, kept, strict=True)):
        if decision is None or decision.kind not in ("rep", "partner"):
            continue
        if lead.company and lead.lead_id is not None:
            last[lead.company] = CompanyOwner(
                lead.company, decision.kind, decision.assignee_id, lead.lead_id, assigned_at(now, n)
            )
    return list(last.values())


def _details(event: LeadScored, segment: str | None) -> LeadDetails:
    lead = event.data.lead
    return LeadDetails(
        source_id=lead.source_id,
        score=event.data.score,
        contact=lead.contact,
        cta=lead.cta,
        message=lead.message,
        received_at=lead.received_at,
        segment=segment,
    )
