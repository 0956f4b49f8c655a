"""opt_in's use cases: holding leads (part of contact's stage), confirming an address (an
HTTP command) and expiring unconfirmed leads (a chore). Sending the mails is in
``sending``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from leadflow_shared.logging import get_logger
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.contact.repository import VerificationRepository
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.confirmation import (
    DAY,
    Mail,
    address_of,
    expired,
    first_try,
    held_back,
    joined,
)
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.mail_repository import MailRepository
from leadflow_verify.opt_in.repository import ConfirmationRepository, Held
from leadflow_verify.opt_in.settling import (
    publish_confirmed,
    publish_rejected,
    unless_suppressed,
)

log = get_logger(__name__)

EXPIRED_PER_RUN = 500
ROUNDS = 3  # an address's mail confirmed or expired while a batch joins it: made again


class UnknownConfirmation(Exception):
    """A validly signed token that confirms nothing here (any more)."""


class ConfirmationExpired(Exception):
    """The link's time ran out (or its leads were rejected as unconfirmed)."""


@dataclass(frozen=True)
class Confirmed:
    """What following a link did."""

    mail_id: uuid.UUID
    confirmed_at: datetime
    lead_ids: tuple[uuid.UUID, ...]  # the leads published now (none when confirmed before)
    first_time: bool  # False: confirmed before; nothing was published again


async def hold(
    uow: UnitOfWork, held: Sequence[Held], *, policy: DoubleOptIn, now: datetime
) -> None:
    """Keep accepted leads of double opt-in sources until their addresses are confirmed.
    Each waits for its address's mail: the one waiting already, if any (then no other mail
    goes out, and the lead's deadline is the mail's at the latest), else a new one, first
    tried at once unless ``mails_per_address_per_day`` mails went to the address in the
    last day. Mails go out from the ``send_due`` chore, never from here."""
    if not held:
        return
    asked: dict[str, Held] = {}
    deadline: dict[str, datetime] = {}
    for h in held:
        address = address_of(h.confirmation.email)
        asked.setdefault(address, h)
        deadline[address] = max(deadline.get(address, now), h.confirmation.expires_at)
    mails = await _mails_for(uow, asked, deadline, policy, now)
    rows = []
    for h in held:
        mail = mails[address_of(h.confirmation.email)]
        c = h.confirmation
        waits = replace(c, mail=mail, expires_at=joined(c.expires_at, mail))
        rows.append(replace(h, confirmation=waits))
    await ConfirmationRepository(uow).add(rows)
    log.info("leads held for double opt-in", leads=len(held), addresses=len(mails))


async def _mails_for(
    uow: UnitOfWork,
    asked: dict[str, Held],
    deadline: dict[str, datetime],
    policy: DoubleOptIn,
    now: datetime,
) -> dict[str, Mail]:
    """Each address's waiting mail, made where there is none (one statement each)."""
    repository = MailRepository(uow)
    addresses = sorted(asked)
    await repository.close_stale(addresses, now)
    found: dict[str, Mail] = {}
    for _ in range(ROUNDS):
        missing = [a for a in addresses if a not in found]
        recent = await repository.sent_since(missing, now - DAY)
        new = []
        for address in missing:
            starts = first_try(now, recent.get(address, []), policy.mails_per_address_per_day)
            mail = Mail(
                mail_id=uuid.uuid4(),
                address=address,
                email=asked[address].confirmation.email,
                requested_at=now,
                expires_at=deadline[address],
                error=held_back(policy.mails_per_address_per_day) if starts > now else None,
            )
            new.append((mail, starts))
        await repository.add(new)
        found |= await repository.waiting(missing, now)
        if len(found) == len(addresses):
            return found
    raise RuntimeError("the addresses' confirmation mails kept changing while leads joined them")


async def _waiting_mail(
    uow: UnitOfWork, token_hash: bytes, now: datetime, *, lock: bool
) -> tuple[Mail, list[Held]] | None:
    """The mail a link belongs to and the leads still waiting for it; None when it was
    confirmed before. Raises :class:`UnknownConfirmation` or :class:`ConfirmationExpired`."""
    mail = await MailRepository(uow).by_token(token_hash, lock=lock)
    if mail is None or mail.state == "withdrawn":
        raise UnknownConfirmation("no confirmation mail carries this link")
    if mail.state == "confirmed" and mail.settled_at is not None:
        return None
    if mail.state == "expired" or mail.expired(now):
        raise ConfirmationExpired(f"the link of mail {mail.mail_id} has expired")
    waiting = await ConfirmationRepository(uow).waiting_for([mail.mail_id], now)
    if not waiting:  # each one's own, shorter time ran out
        raise ConfirmationExpired(f"no lead waits for mail {mail.mail_id} any more")
    return mail, waiting


async def awaits_confirmation(
    uow: UnitOfWork, token: str, *, links: ConfirmationLinks, now: datetime
) -> bool:
    """Whether following this link would confirm its address now (True) or it was
    confirmed before (False); changes nothing. Raises as :func:`confirm` does."""
    token_hash = links.digest(token)
    async with uow:
        return await _waiting_mail(uow, token_hash, now, lock=False) is not None


async def confirm(
    uow: UnitOfWork, token: str, *, links: ConfirmationLinks, now: datetime
) -> Confirmed:
    """Confirm the address a link was mailed to: every lead waiting for that mail and still
    in time is marked confirmed and publishes its held ``lead.verified``, with the check
    that says when, in one transaction; one put on the do-not-contact list meanwhile is
    rejected as suppressed instead. A link followed again confirms nothing more.

    Raises :class:`~leadflow_verify.opt_in.domain.links.InvalidToken`,
    :class:`UnknownConfirmation` or :class:`ConfirmationExpired`."""
    token_hash = links.digest(token)
    async with uow:
        mails = MailRepository(uow)
        found = await _waiting_mail(uow, token_hash, now, lock=True)
        if found is None:
            mail = await mails.by_token(token_hash, lock=False)
            assert mail is not None and mail.settled_at is not None
            return Confirmed(mail.mail_id, mail.settled_at, (), first_time=False)
        mail, waiting = found
        kept = await unless_suppressed(uow, waiting, now)
        await publish_confirmed(uow, kept, now)
        if kept:
            await mails.settle(mail.mail_id, "confirmed", now)
        else:  # nothing about the address is kept
            await mails.withdraw([mail.mail_id], now)
        await uow.commit()
    if not kept:
        raise UnknownConfirmation(f"every lead of mail {mail.mail_id} is suppressed")
    log.info("address confirmed (double opt-in)", mail_id=str(mail.mail_id), leads=len(kept))
    return Confirmed(mail.mail_id, now, tuple(h.lead_id for h in kept), first_time=True)


async def expire_due(uow: UnitOfWork, *, now: datetime, limit: int = EXPIRED_PER_RUN) -> int:
    """Reject held leads whose time ran out unconfirmed (``now >= expires_at``, as for a
    link): ``lead.rejected`` with the reason ``unconfirmed``, their verdicts stored again;
    and close the mails whose links ran out. A held lead is not among the people later
    leads repeat; one held before that was so is forgotten now (its repeats get the
    earliest of themselves as their first lead). Returns how many leads."""
    async with uow:
        gone = await ConfirmationRepository(uow).expire_due(now, limit)
        await MailRepository(uow).expire_due(now, limit)
        verdicts = {h.lead_id: expired(h.confirmation) for h in gone}
        await VerificationRepository(uow).settle(verdicts)
        await PeopleRepository(uow).forget(list(verdicts))
        for h in gone:
            publish_rejected(uow, h, verdicts[h.lead_id])
        await uow.commit()
    if gone:
        log.info("unconfirmed leads rejected (double opt-in)", leads=len(gone))
    return len(gone)


async def unsent(uow: UnitOfWork, *, now: datetime) -> int:
    """How many confirmation mails wait to go out."""
    async with uow:
        return await MailRepository(uow).unsent(now)
