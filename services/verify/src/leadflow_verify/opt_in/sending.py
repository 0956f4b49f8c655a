"""opt_in's mail chore: sending the confirmation mails that are due.

A round claims the due mails (committed), rejects the leads put on the do-not-contact list
meanwhile and withdraws a mail none of whose leads is left, gives each remaining mail a new
token (its digest committed before the mail goes out), then sends them one at a time,
outside any transaction, recording each try as soon as it is made. A mail its recipient
refuses for a while is tried again later on its own, one refused for good never; when the
server cannot be reached at all, the round stops and the mails it did not try go back
without a try counted.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from leadflow_shared.logging import get_logger
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.opt_in.domain.confirmation import FIRST_RETRY, Mail, retry_delay
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.mail import confirmation_mail
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.mail_repository import Mailed, MailRepository
from leadflow_verify.opt_in.mailer import Mailer, MailNotSent, ServerUnavailable
from leadflow_verify.opt_in.repository import ConfirmationRepository, Held
from leadflow_verify.opt_in.settling import unless_suppressed

log = get_logger(__name__)

MAILS_PER_RUN = 20
CLAIM_FOR = timedelta(minutes=5)  # a mail claimed by a process that died is retried then


async def send_due(
    uow: UnitOfWork,
    *,
    mailer: Mailer,
    links: ConfirmationLinks,
    policy: DoubleOptIn,
    now: datetime,
    limit: int = MAILS_PER_RUN,
) -> list[Mailed]:
    """Send the confirmation mails due at ``now``; returns how each try went."""
    claim = uuid.uuid4()
    due, tokens = await _claim(uow, claim, links, now, limit)
    results: list[Mailed] = []
    untried = list(due)
    release_at = now  # after something unexpected: due again at once
    try:
        while untried:
            # in flight: should its try end in anything unexpected, it stays claimed (it
            # may have gone out) and is tried again once the claim runs out
            mail = untried.pop(0)
            message = confirmation_mail(
                policy,
                to=mail.email,
                link=links.link(tokens[mail.mail_id]),
                expires_at=mail.expires_at,
                sent_at=now,
            )
            unreachable = False
            try:
                await mailer.send(message)
            except ServerUnavailable as exc:
                result, unreachable = _failed(mail, now, str(exc)), True
            except MailNotSent as exc:
                result = _refused(mail, now, exc)
            else:
                log.info("confirmation mail sent", mail_id=str(mail.mail_id))
                result = Mailed(mail.mail_id, "sent", sent_at=now)
            await _record(uow, claim, result)
            results.append(result)
            if unreachable:  # the others wait for the server, no try counted
                release_at = now + FIRST_RETRY
                break
    finally:
        if untried:
            async with uow:
                await MailRepository(uow).release(claim, [m.mail_id for m in untried], release_at)
                await uow.commit()
    return results


async def _claim(
    uow: UnitOfWork, claim: uuid.UUID, links: ConfirmationLinks, now: datetime, limit: int
) -> tuple[list[Mail], dict[uuid.UUID, str]]:
    """The due mails claimed, with a new token each; leads suppressed meanwhile rejected,
    and the mails none of whose leads is left withdrawn (one transaction)."""
    async with uow:
        mails = MailRepository(uow)
        claimed = await mails.claim_due(now, now + CLAIM_FOR, claim, limit)
        waiting = await ConfirmationRepository(uow).waiting_for([m.mail_id for m in claimed], now)
        kept = {_mail_id(h) for h in await unless_suppressed(uow, waiting, now)}
        due = [m for m in claimed if m.mail_id in kept]
        await mails.withdraw([m.mail_id for m in claimed if m.mail_id not in kept], now)
        issued = {m.mail_id: links.issue() for m in due}
        await mails.issue(claim, {mail_id: digest for mail_id, (_, digest) in issued.items()})
        await uow.commit()
    return due, {mail_id: token for mail_id, (token, _) in issued.items()}


def _mail_id(held: Held) -> uuid.UUID:
    assert held.confirmation.mail is not None  # read back with its mail
    return held.confirmation.mail.mail_id


async def _record(uow: UnitOfWork, claim: uuid.UUID, result: Mailed) -> None:
    async with uow:
        ours = await MailRepository(uow).tried(claim, result)
        await uow.commit()
    if not ours:
        log.warning(
            "a confirmation mail's claim ran out while it was tried; its try is not recorded",
            mail_id=str(result.mail_id),
        )


def _refused(mail: Mail, now: datetime, exc: MailNotSent) -> Mailed:
    if exc.permanent:
        log.error("confirmation mail refused", mail_id=str(mail.mail_id), error=str(exc))
        return Mailed(mail.mail_id, "undeliverable", error=str(exc))
    return _failed(mail, now, str(exc))


def _failed(mail: Mail, now: datetime, error: str) -> Mailed:
    retry_at = now + retry_delay(mail.attempts + 1)
    log.warning(
        "confirmation mail not sent; it is tried again",
        mail_id=str(mail.mail_id),
        attempts=mail.attempts + 1,
        retry_at=retry_at.isoformat(timespec="seconds"),
        error=error,
    )
    return Mailed(mail.mail_id, "pending", next_attempt_at=retry_at, error=error)
