"""router's use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_router import SERVICE
from leadflow_router.domain.routing import RoutingInput, route
from leadflow_router.repository import RouterRepository
from leadflow_shared.events import (
    Assignee,
    LeadOffered,
    LeadOfferedData,
    LeadRouted,
    LeadRoutedData,
    LeadScored,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.logging import get_logger
from leadflow_shared.outbox import Outgoing

log = get_logger(__name__)


async def route_scored_lead(session: AsyncSession, event: LeadScored) -> Sequence[Outgoing]:
    """Decide who gets a scored lead; publish ``lead.routed`` (and ``lead.offered``)."""
    repo = RouterRepository(session)
    lead = event.data.lead
    decision = route(
        RoutingInput(
            country=lead.contact.country,
            temperature=event.data.temperature,
            status=event.data.status,
        ),
        await repo.lock_reps(),
        await repo.partners(),
    )
    first_time = await repo.add_assignment(
        {
            "lead_id": event.lead_id,
            "assignee_kind": decision.kind,
            "assignee_id": decision.assignee_id,
            "rule_path": list(decision.rule_path),
            "reason": decision.reason,
            "temperature": event.data.temperature,
            "status": event.data.status,
        }
    )
    if not first_time:  # routed before, under another event id: never route twice
        return []
    if decision.kind == "rep":
        await repo.mark_assigned(decision.assignee_id)
    log.info(
        "lead routed", assignee=f"{decision.kind}:{decision.assignee_id}", reason=decision.reason
    )
    assignee = Assignee(kind=decision.kind, id=decision.assignee_id)
    routed = LeadRouted(
        **new_envelope_fields(producer=SERVICE, lead_id=event.lead_id, cause=event),
        data=LeadRoutedData(
            assignee=assignee,
            rule_path=decision.rule_path,
            reason=decision.reason,
            score=event.data.score,
            temperature=event.data.temperature,
            status=event.data.status,
            source_id=lead.source_id,
            contact=lead.contact,
            cta=lead.cta,
            received_at=lead.received_at,
        ),
    )
    messages = [Outgoing(Topics.ROUTED, routed)]
    if decision.kind == "partner":
        offered = LeadOffered(
            **new_envelope_fields(producer=SERVICE, lead_id=event.lead_id, cause=event),
            data=LeadOfferedData(
                partner_id=decision.assignee_id,
                contact=lead.contact,
                cta=lead.cta,
                message=lead.message,
                temperature=event.data.temperature,
                offered_at=datetime.now(UTC),
            ),
        )
        messages.append(Outgoing(Topics.partner(decision.assignee_id), offered))
    return messages
