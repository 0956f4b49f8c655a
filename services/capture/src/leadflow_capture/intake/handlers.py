"""intake's use cases.

``capture_leads`` takes many submissions at once, so that concurrent requests can share
one transaction (group commit); a single request is a batch of one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from leadflow_capture import NAME
from leadflow_capture.intake.domain.dedupe import dedupe_key
from leadflow_capture.intake.repository import IntakeRepository, LeadRepository, NewLead
from leadflow_capture.sources.domain import Source
from leadflow_shared.db import Database
from leadflow_shared.errors import LeadflowError, Unauthorized, Unprocessable
from leadflow_shared.events import (
    LeadCaptured,
    LeadCapturedData,
    Topics,
    new_envelope_fields,
    new_id,
)
from leadflow_shared.events.v1 import LeadSubmission, SubmissionContext
from leadflow_shared.messaging.outbox import Outgoing
from leadflow_shared.uow import UnitOfWork


@dataclass(frozen=True)
class CaptureRequest:
    source: Source
    submission: LeadSubmission
    context: SubmissionContext
    signature_digest: str | None = None  # signed webhooks: refused when seen before
    signature_expires_at: datetime | None = None


@dataclass(frozen=True)
class Captured:
    lead_id: uuid.UUID
    replayed: bool  # the same lead as an earlier submission: nothing new was stored


Outcome = Captured | LeadflowError


def _replayed_signature() -> Unauthorized:
    return Unauthorized(
        "this signature was used before; sign each request anew", code="replayed_signature"
    )


def _reused_key() -> Unprocessable:
    return Unprocessable(
        "this Idempotency-Key was used with a different lead; use a new key for a new lead",
        code="idempotency_key_reused",
        details=[{"field": "Idempotency-Key", "message": "used before with another body"}],
    )


async def capture_leads(db: Database, requests: Sequence[CaptureRequest]) -> list[Outcome]:
    """Store new leads with their ``lead.captured`` events, the whole batch in one
    statement, which is its own transaction (see ``STORE_LEADS``).

    Per request: a replayed webhook signature is refused; a submission whose Idempotency-Key
    (or, without one, whose identical content within the source's duplicate window) was
    seen before answers the first lead's id and stores nothing; an Idempotency-Key seen
    before with a different submission is refused (422, ``idempotency_key_reused``).
    """
    outcomes: list[Outcome | None] = [None] * len(requests)
    digests: set[str] = set()
    batch: list[NewLead] = []
    places: list[int] = []  # the request of each entry of the batch
    for place, r in enumerate(requests):
        digest = r.signature_digest
        if digest is not None:
            if digest in digests:  # the same signature twice in one batch
                outcomes[place] = _replayed_signature()
                continue
            digests.add(digest)
        lead_id = new_id()
        found = dedupe_key(
            r.source.id, r.submission, r.context.idempotency_key, r.source.duplicate_window_s
        )
        event = LeadCaptured(
            **new_envelope_fields(producer=NAME, lead_id=lead_id),
            data=LeadCapturedData(
                source_id=r.source.id,
                submission=r.submission,
                context=r.context,
                double_opt_in=r.source.double_opt_in,
            ),
        )
        batch.append(
            NewLead(
                id=lead_id,
                source_id=r.source.id,
                idempotency_key=r.context.idempotency_key,
                received_at=r.context.received_at,
                submission_json=r.submission.model_dump_json(),
                context_json=r.context.model_dump_json(),
                event=Outgoing(Topics.CAPTURED, event),
                key=found.key if found else None,
                key_ttl_s=found.ttl_s if found else None,
                body=found.body if found else None,
                digest=digest,
                digest_expires_at=r.signature_expires_at or datetime.now(UTC) if digest else None,
            )
        )
        places.append(place)
    if batch:
        async with db.driver_connection() as conn:
            not_stored = await IntakeRepository(conn).store(batch)
        for place, new in zip(places, batch, strict=True):
            outcomes[place] = Captured(new.id, replayed=False)
        for s in not_stored:
            place = places[s.n - 1]
            if not s.signed:
                outcomes[place] = _replayed_signature()
            elif s.reused:
                outcomes[place] = _reused_key()
            elif s.lead_id is not None:
                outcomes[place] = Captured(s.lead_id, replayed=True)
    return [o for o in outcomes if o is not None]


async def count_spam(uow: UnitOfWork, source_id: str, reason: str) -> None:
    """Count a submission that looked accepted but will never become a lead."""
    async with uow:
        await LeadRepository(uow).count_spam(source_id, datetime.now(UTC).date(), reason)
        await uow.commit()


async def forget_expired(uow: UnitOfWork) -> int:
    async with uow:
        removed = await LeadRepository(uow).forget_expired()
        await uow.commit()
    return removed
