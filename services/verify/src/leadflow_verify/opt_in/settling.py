"""How held leads are settled inside a use case's unit of work: confirmed (their held
``lead.verified`` published, their person known from then on) or rejected as suppressed
(their address or phone went on the do-not-contact list while they waited)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from leadflow_shared.events import (
    LeadRejected,
    LeadRejectedData,
    LeadVerified,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.logging import get_logger
from leadflow_shared.uow import UnitOfWork
from leadflow_verify import NAME
from leadflow_verify.contact.domain.verdict import SUPPRESSED, Verdict
from leadflow_verify.contact.repository import VerificationRepository
from leadflow_verify.dedupe.domain.identity import identity_of
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.confirmation import confirmed, erased, verdict_of
from leadflow_verify.opt_in.repository import ConfirmationRepository, Held
from leadflow_verify.suppression.domain import entries_of
from leadflow_verify.suppression.repository import SuppressionRepository

log = get_logger(__name__)


async def unless_suppressed(uow: UnitOfWork, held: Sequence[Held], now: datetime) -> list[Held]:
    """The held leads not on the do-not-contact list (one statement); the others are
    rejected as suppressed now, as verify rejects a suppressed lead it is given: nothing
    about them is kept or published."""
    entries = {h.lead_id: entries_of(h.confirmation.held.contact) for h in held}
    listed = await SuppressionRepository(uow).matching(
        sorted({e for found in entries.values() for e in found})
    )
    gone = {h.lead_id for h in held if any(e in listed for e in entries[h.lead_id])}
    if gone:
        await _reject_suppressed(uow, [h for h in held if h.lead_id in gone], now)
    return [h for h in held if h.lead_id not in gone]


async def _reject_suppressed(uow: UnitOfWork, gone: Sequence[Held], now: datetime) -> None:
    ids = [h.lead_id for h in gone]
    await ConfirmationRepository(uow).suppressed(
        {h.lead_id: erased(h.confirmation.held) for h in gone}, now
    )
    await VerificationRepository(uow).suppressed(ids)
    await PeopleRepository(uow).forget(ids)  # held into people by an older verify
    for h in gone:
        publish_rejected(uow, h, SUPPRESSED)
    log.info("held leads rejected: suppressed while they waited", leads=len(gone))


def publish_rejected(uow: UnitOfWork, held: Held, verdict: Verdict) -> None:
    """Stage ``lead.rejected`` for a held lead, caused by the ``lead.captured`` it came in."""
    envelope = new_envelope_fields(
        producer=NAME, lead_id=held.lead_id, correlation_id=held.correlation_id
    )
    rejected = LeadRejected(
        **{**envelope, "causation_id": held.causation_id},
        data=LeadRejectedData(
            source_id=held.confirmation.source_id,
            reasons=verdict.reasons,
            checks=verdict.checks,
            received_at=held.confirmation.held.received_at,
        ),
    )
    uow.publish(Topics.REJECTED, rejected)


async def publish_confirmed(uow: UnitOfWork, held: Sequence[Held], now: datetime) -> None:
    """Mark leads confirmed at ``now``, store their verdicts again, remember their people
    (each with the lead it was linked to when held, or as its own first), and publish each
    one's held ``lead.verified`` with the check that says when."""
    if not held:
        return
    data = {h.lead_id: confirmed(h.confirmation, now) for h in held}
    await ConfirmationRepository(uow).settle(list(data), "confirmed", now)
    await VerificationRepository(uow).settle({i: verdict_of(d) for i, d in data.items()})
    people = [(identity_of(i, d.contact), d.duplicate_of or i) for i, d in data.items()]
    repository = PeopleRepository(uow)
    await repository.lock([identity for identity, _ in people])  # as a batch verifying them
    await repository.add(people)
    for h in held:
        envelope = new_envelope_fields(
            producer=NAME, lead_id=h.lead_id, correlation_id=h.correlation_id
        )
        uow.publish(
            Topics.VERIFIED,
            LeadVerified(**{**envelope, "causation_id": h.causation_id}, data=data[h.lead_id]),
        )
