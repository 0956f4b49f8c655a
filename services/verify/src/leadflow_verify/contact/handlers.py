"""contact's use cases: verifying captured leads (a stage handler) and reading a verdict."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from leadflow_shared.events import (
    LeadCaptured,
    LeadRejected,
    LeadRejectedData,
    LeadVerified,
    LeadVerifiedData,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.events.envelope import first_per_lead
from leadflow_shared.logging import get_logger
from leadflow_shared.uow import UnitOfWork
from leadflow_verify import NAME
from leadflow_verify.contact.domain.checks import Verdict, verify_submission
from leadflow_verify.contact.repository import Verification, VerificationRepository

log = get_logger(__name__)


async def verify_leads(uow: UnitOfWork, events: Sequence[LeadCaptured]) -> None:
    """Check a batch of captured leads and store the verdicts (one statement); publish
    ``lead.verified`` or ``lead.rejected`` for each lead verified now. A lead verified
    before, under another event id, keeps its first verdict and publishes nothing twice."""
    verdicts = [
        (event, verify_submission(event.data.submission)) for event in first_per_lead(events)
    ]
    stored = await VerificationRepository(uow).add_new(
        [(event.lead_id, verdict) for event, verdict in verdicts]
    )
    for event, verdict in verdicts:
        if event.lead_id in stored:
            _publish(uow, event, verdict)


def _publish(uow: UnitOfWork, event: LeadCaptured, verdict: Verdict) -> None:
    envelope = new_envelope_fields(producer=NAME, lead_id=event.lead_id, cause=event)
    captured = event.data
    if not verdict.accepted:
        log.info(
            "lead rejected", lead_id=str(event.lead_id), reasons=[r.code for r in verdict.reasons]
        )
        rejected = LeadRejected(
            **envelope,
            data=LeadRejectedData(
                source_id=captured.source_id,
                reasons=verdict.reasons,
                checks=verdict.checks,
                received_at=captured.context.received_at,
            ),
        )
        uow.publish(Topics.REJECTED, rejected)
        return
    submission = captured.submission
    verified = LeadVerified(
        **envelope,
        data=LeadVerifiedData(
            source_id=captured.source_id,
            contact=verdict.contact,
            checks=verdict.checks,
            cta=submission.cta,
            utm=submission.utm,
            consent=submission.consent,
            bant=submission.bant,
            message=submission.message,
            custom=submission.custom,
            received_at=captured.context.received_at,
        ),
    )
    uow.publish(Topics.VERIFIED, verified)


async def verification_of(uow: UnitOfWork, lead_id: uuid.UUID) -> Verification | None:
    async with uow:
        return await VerificationRepository(uow).get(lead_id)
