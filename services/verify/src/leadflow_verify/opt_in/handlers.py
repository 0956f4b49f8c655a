"""opt_in's use cases: holding leads (part of contact's stage), sending the confirmation
mails and expiring unconfirmed leads (chores), and confirming a lead (an HTTP command)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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
from leadflow_verify.contact.repository import VerificationRepository
from leadflow_verify.dedupe.domain.identity import identity_of
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.confirmation import (
    confirmed,
    expired,
    retry_delay,
    verdict_of,
)
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.mail import confirmation_mail
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.mailer import Mailer, MailNotSent
from leadflow_verify.opt_in.repository import ConfirmationRepository, Due, Held, Mailed

log = get_logger(__name__)

MAILS_PER_RUN = 20
CLAIM_FOR = timedelta(minutes=5)  # a mail claimed by a process that died is retried then
EXPIRED_PER_RUN = 500


class UnknownConfirmation(Exception):
    """A validly signed token whose lead has no confirmation here."""


class ConfirmationExpired(Exception):
    """The link's time ran out (or the lead was rejected as unconfirmed)."""


@dataclass(frozen=True)
class Confirmed:
    """What following a link did."""

    lead_id: uuid.UUID
    confirmed_at: datetime
    first_time: bool  # False: confirmed before; nothing was published again


async def hold(uow: UnitOfWork, held: Sequence[Held]) -> None:
    """Keep accepted leads of double opt-in sources until they are confirmed (one
    statement): their mails go out from the ``send_due`` chore, never from here."""
    await ConfirmationRepository(uow).add(held)
    if held:
        log.info("leads held for double opt-in", leads=len(held))


async def send_due(
    uow: UnitOfWork,
    *,
    mailer: Mailer,
    links: ConfirmationLinks,
    policy: DoubleOptIn,
    now: datetime,
    limit: int = MAILS_PER_RUN,
) -> list[Mailed]:
    """Send the confirmation mails that are due, one at a time, outside any transaction
    that holds a lead: claim them (committed), send, record how each went (committed). A
    mail that fails is tried again later, ever less often; one the server refuses for good
    is not. Once the server cannot be reached, the rest of the batch waits for next time."""
    async with uow:
        due = await ConfirmationRepository(uow).claim_due(now, now + CLAIM_FOR, limit)
        await uow.commit()
    results: list[Mailed] = []
    unreachable: str | None = None
    for mail in due:
        if unreachable is not None:
            results.append(_failed(mail, now, unreachable))
            continue
        message = confirmation_mail(
            policy,
            to=mail.email,
            link=links.link(mail.lead_id, mail.expires_at),
            expires_at=mail.expires_at,
            sent_at=now,
        )
        try:
            await mailer.send(message)
        except MailNotSent as exc:
            if exc.permanent:
                log.error("confirmation mail refused", lead_id=str(mail.lead_id), error=str(exc))
                results.append(Mailed(mail.lead_id, "undeliverable", error=str(exc)))
                continue
            unreachable = str(exc)
            results.append(_failed(mail, now, unreachable))
            continue
        log.info("confirmation mail sent", lead_id=str(mail.lead_id), attempts=mail.attempts)
        results.append(Mailed(mail.lead_id, "sent", sent_at=now))
    async with uow:
        await ConfirmationRepository(uow).mailed(results)
        await uow.commit()
    return results


def _failed(mail: Due, now: datetime, error: str) -> Mailed:
    retry_at = now + retry_delay(mail.attempts)
    log.warning(
        "confirmation mail not sent; it is tried again",
        lead_id=str(mail.lead_id),
        attempts=mail.attempts,
        retry_at=retry_at.isoformat(timespec="seconds"),
        error=error,
    )
    return Mailed(mail.lead_id, "pending", next_attempt_at=retry_at, error=error)


async def confirm(
    uow: UnitOfWork, token: str, *, links: ConfirmationLinks, now: datetime
) -> Confirmed:
    """Confirm the lead a link names: mark it confirmed, store its verdict again and publish
    its held ``lead.verified``, with the check that says when, in one transaction. A lead
    confirmed before is confirmed still, and nothing is published twice.

    Raises :class:`~leadflow_verify.opt_in.domain.links.InvalidToken`,
    :class:`UnknownConfirmation` or
    :class:`ConfirmationExpired`."""
    signed = links.read(token)
    async with uow:
        confirmations = ConfirmationRepository(uow)
        found = await confirmations.get(signed.lead_id, lock=True)
        if found is None:
            raise UnknownConfirmation(f"no confirmation for lead {signed.lead_id}")
        c = found.confirmation
        if c.state == "confirmed" and c.settled_at is not None:
            return Confirmed(c.lead_id, c.settled_at, first_time=False)
        if c.state == "expired" or signed.expired(now) or now >= c.expires_at:
            raise ConfirmationExpired(f"the link for lead {c.lead_id} has expired")
        data = confirmed(c, now)
        await confirmations.confirmed(c.lead_id, now)
        await VerificationRepository(uow).settle({c.lead_id: verdict_of(data)})
        # seen downstream from now on: later leads of the person may repeat it
        await PeopleRepository(uow).add(
            [(identity_of(c.lead_id, data.contact), data.duplicate_of or c.lead_id)]
        )
        envelope = new_envelope_fields(
            producer=NAME, lead_id=c.lead_id, correlation_id=found.correlation_id
        )
        uow.publish(
            Topics.VERIFIED,
            LeadVerified(**{**envelope, "causation_id": found.causation_id}, data=data),
        )
        await uow.commit()
    log.info("lead confirmed (double opt-in)", lead_id=str(c.lead_id))
    return Confirmed(c.lead_id, now, first_time=True)


async def expire_due(uow: UnitOfWork, *, now: datetime, limit: int = EXPIRED_PER_RUN) -> int:
    """Reject held leads whose time ran out unconfirmed: ``lead.rejected`` with the reason
    ``unconfirmed``, their verdicts stored again. A held lead is not among the people later
    leads repeat; one held before that was so is forgotten now (its repeats get the
    earliest of themselves as their first lead). Returns how many."""
    async with uow:
        gone = await ConfirmationRepository(uow).expire_due(now, limit)
        verdicts = {h.confirmation.lead_id: expired(h.confirmation) for h in gone}
        await VerificationRepository(uow).settle(verdicts)
        await PeopleRepository(uow).forget(list(verdicts))
        for h in gone:
            verdict = verdicts[h.confirmation.lead_id]
            envelope = new_envelope_fields(
                producer=NAME, lead_id=h.confirmation.lead_id, correlation_id=h.correlation_id
            )
            rejected = LeadRejected(
                **{**envelope, "causation_id": h.causation_id},
                data=LeadRejectedData(
                    source_id=h.confirmation.source_id,
                    reasons=verdict.reasons,
                    checks=verdict.checks,
                    received_at=h.confirmation.held.received_at,
                ),
            )
            uow.publish(Topics.REJECTED, rejected)
        await uow.commit()
    if gone:
        log.info("unconfirmed leads rejected (double opt-in)", leads=len(gone))
    return len(gone)


async def unsent(uow: UnitOfWork, *, now: datetime) -> int:
    """How many held leads still wait for their confirmation mail."""
    async with uow:
        return await ConfirmationRepository(uow).unsent(now)
