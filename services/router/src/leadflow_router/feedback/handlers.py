"""feedback's use case: recording a report about a lead, publishing it (``lead.feedback``,
which score listens to) and freeing the rep's place when it closes the lead."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from leadflow_router.assignments.tables import assignments
from leadflow_router.errors import AnswerInstead, NotRouted, NotYours
from leadflow_router.feedback.recording import record_feedback
from leadflow_router.feedback.schemas import FeedbackIn, FeedbackOut
from leadflow_router.keys.domain import ADMIN, Caller, not_yours
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.uow import UnitOfWork

# Outcomes after which the lead is no longer the assignee's to work.
CLOSING = frozenset({"converted", "junk", "dead", "rejected"})
# An assignee answers an assignment at its own endpoints (``answers``), not as feedback.
ANSWERS = {"accepted": "accept", "rejected": "reject"}


async def report(
    uow: UnitOfWork, lead_id: uuid.UUID, given: FeedbackIn, now: datetime, caller: Caller = ADMIN
) -> FeedbackOut:
    """Record ``given`` for the lead's assignee and publish it, in one transaction; the
    first closing outcome frees a place in a rep's capacity. Raises ``NotRouted`` for a lead
    never routed, ``NotYours`` when ``caller`` does not act for its assignee."""
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
            raise NotRouted(f"lead {lead_id} has not been routed")
        if not caller.acts_for(row.assignee_kind, row.assignee_id):
            raise NotYours(not_yours(lead_id, caller))
        if given.outcome in ANSWERS and caller != ADMIN:
            # as feedback a rejection would close the lead without routing it again, and an
            # acceptance would not be recorded as one
            raise AnswerInstead(
                f"answer with POST /v1/assignments/{lead_id}/{ANSWERS[given.outcome]}"
            )
        closes = given.outcome in CLOSING and row.closed_at is None
        await session.execute(
            sa.update(assignments)
            .where(assignments.c.lead_id == lead_id)
            .values(outcome=given.outcome, closed_at=now if closes else assignments.c.closed_at)
        )
        if closes and row.assignee_kind == "rep":
            await RepRepository(uow).close_one(row.assignee_id)
        assignee = Assignee(kind=row.assignee_kind, id=row.assignee_id)
        await record_feedback(uow, lead_id, given.outcome, assignee, given.note, now)
        await uow.commit()
    return FeedbackOut(
        lead_id=lead_id,
        outcome=given.outcome,
        assignee=assignee,
        reported_at=now,
        closed=closes or row.closed_at is not None,
    )
