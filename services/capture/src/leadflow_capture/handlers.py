"""capture's use cases.

``capture_leads`` takes many submissions at once, so that concurrent requests can share
one transaction (group commit); a single request is a batch of one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from leadflow_capture import SERVICE
from leadflow_capture.domain.dedupe import dedupe_key
from leadflow_capture.domain.sources import Source
from leadflow_capture.repository import Key, LeadRepository, SourceRepository
from leadflow_capture.tables import outbox as outbox_table
from leadflow_shared.db import UnitOfWork
from leadflow_shared.errors import Conflict, LeadflowError, NotFound, Unauthorized
from leadflow_shared.events import LeadCaptured, LeadCapturedData, Topics, new_envelope_fields
from leadflow_shared.events.v1 import LeadSubmission, SubmissionContext
from leadflow_shared.outbox import Outbox, Outgoing

outbox = Outbox(outbox_table)


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


async def capture_leads(uow: UnitOfWork, requests: Sequence[CaptureRequest]) -> list[Outcome]:
    """Store new leads with their ``lead.captured`` events in one transaction.

    Per request: a replayed webhook signature is refused; a submission whose Idempotency-Key
    (or, without one, whose identical content within the source's duplicate window) was
    seen before answers the first lead's id and stores nothing.
    """
    outcomes: list[Outcome | None] = [None] * len(requests)
    async with uow:
        repo = LeadRepository(uow.session)

        first_signed: dict[str, int] = {}
        for i, r in enumerate(requests):
            if r.signature_digest is None:
                continue
            if r.signature_digest in first_signed:
                outcomes[i] = _replayed_signature()
            else:
                first_signed[r.signature_digest] = i
        fresh = await repo.claim_signatures(
            {
                d: requests[i].signature_expires_at or datetime.now(UTC)
                for d, i in first_signed.items()
            }
        )
        for digest, i in first_signed.items():
            if digest not in fresh:
                outcomes[i] = _replayed_signature()

        now = datetime.now(UTC)
        new_ids: dict[int, uuid.UUID] = {}
        keyed: dict[int, Key] = {}
        wanted: dict[Key, tuple[uuid.UUID, datetime]] = {}
        for i, r in enumerate(requests):
            if outcomes[i] is not None:
                continue
            new_ids[i] = uuid.uuid4()
            found = dedupe_key(r.submission, r.context.idempotency_key, r.source.duplicate_window_s)
            if found is not None:
                key: Key = (r.source.id, found[0])
                keyed[i] = key
                wanted.setdefault(key, (new_ids[i], now + timedelta(seconds=found[1])))
        owners = await repo.claim_keys(wanted)

        events: list[Outgoing] = []
        rows = []
        for i, lead_id in new_ids.items():
            key_of = keyed.get(i)
            # A key missing from owners expired and was forgotten meanwhile: a new lead.
            owner = owners.get(key_of, lead_id) if key_of is not None else lead_id
            if owner != lead_id:
                outcomes[i] = Captured(owner, replayed=True)
                continue
            r = requests[i]
            outcomes[i] = Captured(lead_id, replayed=False)
            rows.append(
                {
                    "id": lead_id,
                    "source_id": r.source.id,
                    "idempotency_key": r.context.idempotency_key,
                    "received_at": r.context.received_at,
                    "submission": r.submission.model_dump(mode="json"),
                    "context": r.context.model_dump(mode="json"),
                }
            )
            event = LeadCaptured(
                **new_envelope_fields(producer=SERVICE, lead_id=lead_id),
                data=LeadCapturedData(
                    source_id=r.source.id, submission=r.submission, context=r.context
                ),
            )
            events.append(Outgoing(Topics.CAPTURED, event))
        await repo.add_many(rows)
        await outbox.stage(uow.session, events)
        await uow.commit()
    return [o for o in outcomes if o is not None]


async def count_spam(uow: UnitOfWork, source_id: str, reason: str) -> None:
    """Count a submission that looked accepted but will never become a lead."""
    async with uow:
        await LeadRepository(uow.session).count_spam(source_id, datetime.now(UTC).date(), reason)
        await uow.commit()


async def forget_expired(uow: UnitOfWork) -> int:
    async with uow:
        removed = await LeadRepository(uow.session).forget_expired()
        await uow.commit()
    return removed


# --- sources --------------------------------------------------------------------------


async def list_sources(uow: UnitOfWork) -> list[tuple[Source, str]]:
    async with uow:
        return await SourceRepository(uow.session).all()


async def sync_config_sources(uow: UnitOfWork, configured: Sequence[Source]) -> None:
    async with uow:
        await SourceRepository(uow.session).sync_config(configured)
        await uow.commit()


async def put_source(uow: UnitOfWork, source: Source) -> bool:
    """Create or replace an API-managed source; returns True when it was created."""
    async with uow:
        try:
            created = await SourceRepository(uow.session).put(source)
        except PermissionError as exc:
            raise Conflict(str(exc), code="managed_by_config") from None
        await uow.commit()
    return created


async def delete_source(uow: UnitOfWork, source_id: str) -> None:
    async with uow:
        repo = SourceRepository(uow.session)
        if await repo.managed_by(source_id) == "config":
            raise Conflict(
                f"source {source_id!r} is defined in the config file", code="managed_by_config"
            )
        if not await repo.delete(source_id):
            raise NotFound(f"no source {source_id!r}")
        await uow.commit()
