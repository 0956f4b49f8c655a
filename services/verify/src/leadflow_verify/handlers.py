"""verify's use cases."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_shared.events import (
    LeadCaptured,
    LeadRejected,
    LeadRejectedData,
    LeadVerified,
    LeadVerifiedData,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.logging import get_logger
from leadflow_shared.outbox import Outgoing
from leadflow_verify import SERVICE
from leadflow_verify.domain.checks import verify_submission
from leadflow_verify.repository import VerificationRepository

log = get_logger(__name__)


async def verify_lead(session: AsyncSession, event: LeadCaptured) -> Sequence[Outgoing]:
    """Check a captured lead; publish ``lead.verified`` or ``lead.rejected``."""
    submission = event.data.submission
    verdict = verify_submission(submission)
    stored = await VerificationRepository(session).add(
        {
            "lead_id": event.lead_id,
            "accepted": verdict.accepted,
            "contact": verdict.contact.model_dump(mode="json"),
            "checks": [c.model_dump(mode="json") for c in verdict.checks],
            "reasons": [r.model_dump(mode="json") for r in verdict.reasons],
        }
    )
    if not stored:  # verified before, under another event id: publish nothing twice
        return []
    envelope = new_envelope_fields(producer=SERVICE, lead_id=event.lead_id, cause=event)
    if not verdict.accepted:
        log.info("lead rejected", reasons=[r.code for r in verdict.reasons])
        rejected = LeadRejected(
            **envelope,
            data=LeadRejectedData(
                source_id=event.data.source_id,
                reasons=verdict.reasons,
                checks=verdict.checks,
                received_at=event.data.context.received_at,
            ),
        )
        return [Outgoing(Topics.REJECTED, rejected)]
    verified = LeadVerified(
        **envelope,
        data=LeadVerifiedData(
            source_id=event.data.source_id,
            contact=verdict.contact,
            checks=verdict.checks,
            cta=submission.cta,
            utm=submission.utm,
            consent=submission.consent,
            bant=submission.bant,
            message=submission.message,
            custom=submission.custom,
            received_at=event.data.context.received_at,
        ),
    )
    return [Outgoing(Topics.VERIFIED, verified)]
