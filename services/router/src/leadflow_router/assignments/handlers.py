"""assignments' use cases: routing scored leads (a stage handler) and reading where a
lead went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from leadflow_router.assignments.domain.details import LeadDetails
from leadflow_router.assignments.domain.routing import RoutingInput, rep_turns, route_all
from leadflow_router.assignments.history import HistoryRepository, Routing
from leadflow_router.assignments.publishing import publish_decision
from leadflow_router.assignments.repository import AssignmentRepository, NewAssignment
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import NO_SLA, Sla
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
    ``sla`` sets. Set-based: one statement each to lock the reps, read the partners, find
    the leads routed before and where their people's first leads went, record the
    assignments, their history and the reps' turns."""
    assignments = AssignmentRepository(uow)
    reps = RepRepository(uow)
    states = await reps.lock_all()
    partners = await PartnerRepository(uow).all()
    candidates = first_per_lead(events)
    firsts = [e.data.lead.duplicate_of for e in candidates if e.data.lead.duplicate_of]
    known = await assignments.assigned([*(e.lead_id for e in candidates), *firsts])
    fresh = [e for e in candidates if e.lead_id not in known]
    now = clock.now()
    decisions = route_all([_routing_input(e) for e in fresh], states, partners, now, known)
    details = [_details(e) for e in fresh]
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


def _routing_input(event: LeadScored) -> RoutingInput:
    lead = event.data.lead
    return RoutingInput(
        country=lead.contact.country,
        temperature=event.data.temperature,
        status=event.data.status,
        lead_id=event.lead_id,
        needs_review=lead.outcome == "needs_review",
        review_reason="; ".join(r.message for r in lead.review_reasons),
        duplicate_of=lead.duplicate_of,
    )


def _details(event: LeadScored) -> LeadDetails:
    lead = event.data.lead
    return LeadDetails(
        source_id=lead.source_id,
        score=event.data.score,
        contact=lead.contact,
        cta=lead.cta,
        message=lead.message,
        received_at=lead.received_at,
    )
