"""Publishing a routing decision: ``lead.routed`` on ``leads.routed.v1``, and ``lead.offered``
on the partner's own topic when a partner gets the lead. The stage's first routing and every
later one (a claim, a rejection) publish through here, so the events keep one shape; a later
one moves the assignment on through :func:`hand_on`, which also records it in the lead's
history."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime

from leadflow_router import NAME
from leadflow_router.assignments.domain.details import LeadDetails, RoutedLead
from leadflow_router.assignments.domain.routing import Decision, RepTurn
from leadflow_router.assignments.history import HistoryRepository, Routing, Why
from leadflow_router.assignments.repository import Assignment, AssignmentRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import NO_SLA, Sla
from leadflow_router.webhooks.repository import DeliveryRepository
from leadflow_router.webhooks.staging import deliver_offers
from leadflow_shared.events import (
    Assignee,
    Envelope,
    LeadOffered,
    LeadOfferedData,
    LeadRouted,
    LeadRoutedData,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.events.v1 import LifecycleStatus, Temperature
from leadflow_shared.uow import UnitOfWork


def publish_decision(
    uow: UnitOfWork,
    lead_id: uuid.UUID,
    lead: LeadDetails,
    decision: Decision,
    temperature: Temperature,
    status: LifecycleStatus,
    now: datetime,
    *,
    cause: Envelope | None = None,
    attempt: int = 1,
    previous: Assignee | None = None,
) -> None:
    envelope = new_envelope_fields(producer=NAME, lead_id=lead_id, cause=cause)
    routed = LeadRouted(
        **envelope,
        data=LeadRoutedData(
            assignee=Assignee(kind=decision.kind, id=decision.assignee_id),
            rule_path=decision.rule_path,
            reason=decision.reason,
            score=lead.score,
            temperature=temperature,
            status=status,
            source_id=lead.source_id,
            contact=lead.contact,
            cta=lead.cta,
            received_at=lead.received_at,
            attempt=attempt,
            previous=previous,
        ),
    )
    uow.publish(Topics.ROUTED, routed)
    if decision.kind == "partner":
        offered = LeadOffered(
            **new_envelope_fields(producer=NAME, lead_id=lead_id, cause=cause),
            data=LeadOfferedData(
                partner_id=decision.assignee_id,
                contact=lead.contact,
                cta=lead.cta,
                message=lead.message,
                temperature=temperature,
                offered_at=now,
            ),
        )
        uow.publish(Topics.partner(decision.assignee_id), offered)
        deliver_offers(uow)  # and to the partner's webhook, if it has one


async def hand_on(
    uow: UnitOfWork,
    found: Assignment,
    lead: RoutedLead,
    decision: Decision,
    now: datetime,
    *,
    why: Why,
    previous: Assignee,
    declined_by: tuple[str, ...],
    turns: Mapping[str, RepTurn],
    sla: Sla = NO_SLA,
) -> Assignment:
    """Move a routed lead on to ``decision`` (``why``: a claim, a rejection, an expired
    SLA): the assignment with the attempt counted on and its new deadline under ``sla``, the
    reps' turns, a partner's offer not yet posted to its webhook withdrawn, the routing in
    the lead's history, and a new ``lead.routed`` naming ``previous``. Returns the
    assignment as it is now."""
    attempt = found.attempt + 1
    answer_by = sla.answer_by(decision, now)
    await AssignmentRepository(uow).move(
        found.lead_id, decision, now, attempt=attempt, declined_by=declined_by, answer_by=answer_by
    )
    await RepRepository(uow).take_turns(turns)
    if previous.kind == "partner":  # its offer, if not posted yet, is not posted at all
        await DeliveryRepository(uow).withdraw(found.lead_id, previous.id, now)
    await HistoryRepository(uow).add(
        [Routing(found.lead_id, attempt, why, decision, now, previous, answer_by)]
    )
    publish_decision(
        uow,
        found.lead_id,
        lead.details,
        decision,
        lead.temperature,
        lead.status,
        now,
        attempt=attempt,
        previous=previous,
    )
    return dataclasses.replace(
        found,
        decision=decision,
        routed_at=now,
        attempt=attempt,
        accepted_at=None,
        declined_by=declined_by,
        answer_by=answer_by,
    )
