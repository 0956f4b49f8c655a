"""answers' use cases: accepting and rejecting a lead, by its assignee (or the admin)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from leadflow_router.assignments.domain.rerouting import Rejection, reroute, tag
from leadflow_router.assignments.domain.routing import partner_turns, rep_turns
from leadflow_router.assignments.publishing import hand_on
from leadflow_router.assignments.repository import Assignment, AssignmentRepository
from leadflow_router.errors import LeadClosed, NotAnswerable, NotReroutable, NotRouted, NotYours
from leadflow_router.feedback.recording import record_feedback
from leadflow_router.keys.domain import Caller, not_yours
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.policy.repository import PolicyRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import NO_SLA, Sla
from leadflow_router.territories import language_of
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.uow import UnitOfWork


async def _answerable(uow: UnitOfWork, lead_id: uuid.UUID, caller: Caller) -> Assignment:
    """The lead's assignment, locked, once ``caller`` may answer for it."""
    found = await AssignmentRepository(uow).get(lead_id, lock=True)
    if found is None:
        raise NotRouted(f"lead {lead_id} has not been routed")
    kind, assignee_id = found.decision.kind, found.decision.assignee_id
    if not caller.acts_for(kind, assignee_id):
        raise NotYours(not_yours(lead_id, caller))
    if kind not in ("rep", "partner"):
        raise NotAnswerable(
            f"lead {lead_id} waits in {assignee_id} ({kind}): no rep or partner has it to "
            "answer for"
        )
    if found.closed_at is not None:
        raise LeadClosed(f"lead {lead_id} was closed by feedback ({found.decision.assignee_id})")
    return found


async def accept(uow: UnitOfWork, lead_id: uuid.UUID, caller: Caller, now: datetime) -> Assignment:
    """The assignee accepts the lead: the time is recorded and ``lead.feedback`` (accepted)
    published, once; accepting again answers with the first acceptance."""
    async with uow:
        found = await _answerable(uow, lead_id, caller)
        if found.accepted_at is not None:
            return found
        await AssignmentRepository(uow).accept(lead_id, now)
        assignee = Assignee(kind=found.decision.kind, id=found.decision.assignee_id)
        await record_feedback(uow, lead_id, "accepted", assignee, None, now)
        await uow.commit()
    return dataclasses.replace(found, accepted_at=now)


async def reject(
    uow: UnitOfWork,
    lead_id: uuid.UUID,
    caller: Caller,
    reason: str | None,
    now: datetime,
    sla: Sla = NO_SLA,
) -> tuple[Assignee, Assignment]:
    """The assignee rejects the lead: a rep's place is freed, ``lead.feedback`` (rejected)
    published, and the lead routed again without anyone who rejected it (see
    ``assignments.domain.rerouting``), published as a new ``lead.routed`` with the attempt
    counted on and the one who rejected it as ``previous``; its next rep or partner has
    until the deadline ``sla`` sets to accept it. Returns who rejected it and where it
    went."""
    async with uow:
        found = await _answerable(uow, lead_id, caller)
        lead = found.lead()
        if lead is None:
            raise NotReroutable(
                f"lead {lead_id} was routed before router kept what routing it again needs: "
                "report feedback on it instead"
            )
        previous = Assignee(kind=found.decision.kind, id=found.decision.assignee_id)
        reps = RepRepository(uow)
        policy = await PolicyRepository(uow).current()
        states = await reps.lock_all(now)
        partners = PartnerRepository(uow)
        offered = await partners.states(lock=True)
        if previous.kind == "rep":
            await reps.close_one(previous.id)
        declined = tuple(dict.fromkeys((*found.declined_by, tag(previous.kind, previous.id))))
        decision = reroute(
            Rejection(
                country=lead.country,
                temperature=lead.temperature,
                status=lead.status,
                rejected_by=(previous.kind, previous.id),
                declined=declined,
                language=language_of(lead.details.contact.language),
                segment=lead.details.segment,
            ),
            states,
            offered,
            now=now,
            policy=policy,
        )
        await record_feedback(uow, lead_id, "rejected", previous, reason, now)
        moved = await hand_on(
            uow,
            found,
            lead,
            decision,
            now,
            why="rejected",
            previous=previous,
            declined_by=declined,
            turns=rep_turns([decision], now),
            sla=sla,
        )
        await partners.take_turns(partner_turns([decision], now))
        await uow.commit()
    return previous, moved
