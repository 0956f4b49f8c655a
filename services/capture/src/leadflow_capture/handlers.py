"""capture's use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from leadflow_capture import SERVICE
from leadflow_capture.repository import LeadRepository
from leadflow_capture.tables import outbox as outbox_table
from leadflow_shared.db import UnitOfWork
from leadflow_shared.events import LeadCaptured, LeadCapturedData, Topics, new_envelope_fields
from leadflow_shared.events.v1 import LeadSubmission, SubmissionContext
from leadflow_shared.outbox import Outbox, Outgoing

outbox = Outbox(outbox_table)


@dataclass(frozen=True)
class Captured:
    lead_id: uuid.UUID
    replayed: bool


async def capture_lead(
    uow: UnitOfWork, *, source_id: str, submission: LeadSubmission, context: SubmissionContext
) -> Captured:
    """Store the lead and its ``lead.captured`` event in one transaction.

    A replay with the same idempotency key returns the first lead's id and stores nothing.
    """
    lead_id = uuid.uuid4()
    event = LeadCaptured(
        **new_envelope_fields(producer=SERVICE, lead_id=lead_id),
        data=LeadCapturedData(source_id=source_id, submission=submission, context=context),
    )
    async with uow:
        repo = LeadRepository(uow.session)
        inserted = await repo.add(
            {
                "id": lead_id,
                "source_id": source_id,
                "idempotency_key": context.idempotency_key,
                "received_at": context.received_at,
                "submission": submission.model_dump(mode="json"),
                "context": context.model_dump(mode="json"),
            }
        )
        if inserted is None:
            assert context.idempotency_key is not None
            existing = await repo.id_for_key(source_id, context.idempotency_key)
            if existing is None:
                raise RuntimeError("idempotency key conflict without a stored lead")
            return Captured(existing, replayed=True)
        await outbox.stage(uow.session, [Outgoing(Topics.CAPTURED, event)])
        await uow.commit()
    return Captured(lead_id, replayed=False)
