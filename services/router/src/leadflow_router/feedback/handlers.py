"""feedback's use case: recording a report about a lead, publishing it (``lead.feedback``,
which score listens to) and freeing the rep's place when it closes the lead."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from leadflow_router import NAME
from leadflow_router.assignments.tables import assignments
from leadflow_router.feedback.schemas import FeedbackIn, FeedbackOut
from leadflow_router.feedback.tables import feedback
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.errors import NotFound
from leadflow_shared.events import Topics, new_envelope_fields
from leadflow_shared.events.v1 import Assignee, LeadFeedback, LeadFeedbackData
from leadflow_shared.uow import UnitOfWork

# Outcomes after which the lead is no longer the assignee's to work.
CLOSING = frozenset({"converted", "junk", "dead", "rejected"})


async def report(
    uow: UnitOfWork, lead_id: uuid.UUID, given: FeedbackIn, now: datetime
) -> FeedbackOut:
    """Record ``given`` for the lead's assignee and publish it, in one transaction; the
    first closing outcome frees a place in a rep's capacity. Raises ``NotFound`` for a lead
    never routed."""
    async with uow:
        session = uow.session
        row = (
            await session.execute(
                sa.select(
                    assignments.c.assignee_kind, assignments.c.assignee_id, assignments.c.closed_at
                )
                .where(assignments.c.lead_id == lead_id)
                .with_for_update()
            )
        ).first()
        if row is None:
            raise NotFound(f"lead {lead_id} has not been routed")
        closes = given.outcome in CLOSING and row.closed_at is None
        await session.execute(
            sa.update(assignments)
            .where(assignments.c.lead_id == lead_id)
            .values(outcome=given.outcome, closed_at=now if closes else assignments.c.closed_at)
        )
        await session.execute(
            sa.insert(feedback).values(
                lead_id=lead_id,
                outcome=given.outcome,
                note=given.note,
                assignee_kind=row.assignee_kind,
                assignee_id=row.assignee_id,
                reported_at=now,
            )
        )
        if closes and row.assignee_kind == "rep":
            await RepRepository(uow).close_one(row.assignee_id)
        assignee = Assignee(kind=row.assignee_kind, id=row.assignee_id)
        uow.publish(
            Topics.FEEDBACK,
            LeadFeedback(
                **new_envelope_fields(producer=NAME, lead_id=lead_id),
                data=LeadFeedbackData(
                    outcome=given.outcome, assignee=assignee, note=given.note, reported_at=now
                ),
            ),
        )
        await uow.commit()
    return FeedbackOut(
        lead_id=lead_id,
        outcome=given.outcome,
        assignee=assignee,
        reported_at=now,
        closed=closes or row.closed_at is not None,
    )
