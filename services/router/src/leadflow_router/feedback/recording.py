"""Recording one report about a lead: a row in the feedback table and ``lead.feedback`` on
``leads.feedback.v1`` (which score listens to), in the caller's unit of work. The feedback
endpoint, accepting and rejecting all report through here; a first touch or a conversion is
recorded as the lead's lead time too."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from leadflow_router import NAME
from leadflow_router.feedback.lead_time import record_lead_time
from leadflow_router.feedback.tables import feedback
from leadflow_shared.events import Topics, new_envelope_fields
from leadflow_shared.events.v1 import Assignee, FeedbackOutcome, LeadFeedback, LeadFeedbackData
from leadflow_shared.uow import UnitOfWork


async def record_feedback(
    uow: UnitOfWork,
    lead_id: uuid.UUID,
    outcome: FeedbackOutcome,
    assignee: Assignee,
    note: str | None,
    now: datetime,
) -> None:
    await uow.session.execute(
        sa.insert(feedback).values(
            lead_id=lead_id,
            outcome=outcome,
            note=note,
            assignee_kind=assignee.kind,
            assignee_id=assignee.id,
            reported_at=now,
        )
    )
    await record_lead_time(uow, lead_id, outcome, assignee, now)
    uow.publish(
        Topics.FEEDBACK,
        LeadFeedback(
            **new_envelope_fields(producer=NAME, lead_id=lead_id),
            data=LeadFeedbackData(outcome=outcome, assignee=assignee, note=note, reported_at=now),
        ),
    )
