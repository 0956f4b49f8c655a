"""What double opt-in decides about a lead: whether it can be held for confirmation, and
its verdict once confirmed or once its time ran out.

A held lead's verdict is stored as ``awaiting_confirmation``; the ``lead.verified`` it will
publish is kept with it (``held``). Confirmed, it becomes that verdict again with a passed
``double_opt_in`` check saying when; unconfirmed by its deadline, it is rejected as
``unconfirmed``. A lead of such a source with no valid email address cannot be confirmed:
it is rejected as ``no_email_to_confirm`` at once.

An address gets one confirmation mail at a time (:class:`Mail`): a lead held while a mail
to its address waits waits for that mail too (until the mail's deadline at the latest),
and following its link confirms every lead waiting for it. Anyone can post a lead naming
somebody else's address; the address still gets at most one mail a window, and at most
``mails_per_address_per_day`` a day (:func:`first_try`). An address is the address as
repeats are matched (``ana+news@example.com`` is ``ana@example.com``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from leadflow_shared.events.v1 import Check, ContactDetails, LeadVerifiedData, Reason
from leadflow_verify.contact.domain.policy import NO_EMAIL_TO_CONFIRM, UNCONFIRMED, Outcome
from leadflow_verify.contact.domain.verdict import Verdict
from leadflow_verify.dedupe.domain.identity import email_key

AWAITING: Outcome = "awaiting_confirmation"
CHECK = "double_opt_in"

# a held lead: waiting, confirmed (published), expired (rejected as unconfirmed) or
# suppressed (its address or phone went on the do-not-contact list while it waited)
State = Literal["awaiting", "confirmed", "expired", "suppressed"]
# an address's mail: waiting for its link to be followed, confirmed, expired, or withdrawn
# (every lead waiting for it was suppressed)
MailLinkState = Literal["waiting", "confirmed", "expired", "withdrawn"]
# how sending it went: not yet (tried again later), sent, or refused for good
MailState = Literal["pending", "sent", "undeliverable"]
DAY = timedelta(days=1)

# A mail that could not be sent is tried again after 30 s, then twice as long each time,
# at most every 15 minutes, until it is sent or its lead's time runs out.
FIRST_RETRY = timedelta(seconds=30)
LATEST_RETRY = timedelta(minutes=15)


@dataclass(frozen=True)
class Mail:
    """The confirmation mail of an address, and the link in it (stored only as the digest
    of its token). It works until ``expires_at``: ``now >= expires_at`` is too late."""

    mail_id: uuid.UUID
    address: str  # as repeats are matched: one mail waits per address
    email: str  # where it goes: the address as the lead that asked first gave it
    requested_at: datetime
    expires_at: datetime
    state: MailLinkState = "waiting"
    settled_at: datetime | None = None
    delivery: MailState = "pending"
    attempts: int = 0  # tries made (a try claimed but never made does not count)
    sent_at: datetime | None = None
    error: str | None = None  # why the last try failed, or why none was made yet

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class Confirmation:
    """A held lead: the address to confirm, the event to publish once confirmed, where it
    stands, and the mail it waits for."""

    lead_id: uuid.UUID
    source_id: str
    email: str
    held: LeadVerifiedData
    requested_at: datetime
    expires_at: datetime
    state: State = "awaiting"
    settled_at: datetime | None = None  # when confirmed, expired or suppressed
    mail: Mail | None = None  # None only before it is stored

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def address_of(email: str) -> str:
    """The address an email is confirmed as (and mailed at most once a window)."""
    return email_key(email) or email.lower()


def joined(own_deadline: datetime, mail: Mail) -> datetime:
    """A lead's deadline once it waits for ``mail``: its own, or the mail's if sooner (the
    mail's link is the only way to confirm it)."""
    return min(own_deadline, mail.expires_at)


def first_try(now: datetime, recent: Sequence[datetime], per_day: int) -> datetime:
    """When a new mail to an address may first be tried, given when the address's mails of
    the last day went out: now, unless ``per_day`` of them did; then once the oldest of the
    last ``per_day`` is a day old. (A mail never sent does not count.)"""
    counted = sorted(at for at in recent if at > now - DAY)
    if len(counted) < per_day:
        return now
    return counted[-per_day] + DAY


def held_back(per_day: int) -> str:
    return f"held back: {per_day} confirmation mails went to this address within 24 hours"


def confirmable(verdict: Verdict) -> Verdict:
    """The verdict of a lead whose source asks for double opt-in: unchanged when it was
    rejected anyway or has a valid email address; otherwise rejected, since nothing can
    be confirmed."""
    if not verdict.accepted or verdict.contact.email:
        return verdict
    reason = Reason(
        code=NO_EMAIL_TO_CONFIRM,
        message="the source asks for double opt-in and the lead has no valid email address",
        field="email",
    )
    return replace(
        verdict,
        accepted=False,
        outcome="rejected",
        reasons=(reason,),
        review_reasons=(),
        findings=(*verdict.findings, NO_EMAIL_TO_CONFIRM),
    )


def awaiting(verdict: Verdict) -> Verdict:
    """The verdict as stored while the lead waits for its confirmation."""
    return replace(verdict, outcome=AWAITING)


def confirmed_check(email: str, requested_at: datetime, confirmed_at: datetime) -> Check:
    return Check(
        name=CHECK,
        passed=True,
        status="passed",
        field="email",
        after=email,
        looked_up=f"confirmation link mailed to {email}",
        evidence=f"confirmed at {_moment(confirmed_at)} through the link requested at "
        f"{_moment(requested_at)}",
    )


def confirmed(confirmation: Confirmation, at: datetime) -> LeadVerifiedData:
    """The held ``lead.verified`` data, with the check that says it was confirmed and when."""
    held = confirmation.held
    check = confirmed_check(confirmation.email, confirmation.requested_at, at)
    return held.model_copy(update={"checks": (*held.checks, check)})


def verdict_of(data: LeadVerifiedData) -> Verdict:
    """The verdict a ``lead.verified`` stands for (a confirmed lead's, as stored again)."""
    return Verdict(
        accepted=True,
        contact=data.contact,
        checks=data.checks,
        reasons=(),
        outcome=data.outcome,
        review_reasons=data.review_reasons,
        findings=data.findings,
    )


def expired(confirmation: Confirmation) -> Verdict:
    """The verdict of a lead not confirmed by its deadline: rejected as ``unconfirmed``,
    with a failed check saying what became of its mail."""
    held = confirmation.held
    window = _hours(confirmation.expires_at - confirmation.requested_at)
    mail = confirmation.mail
    if mail is None:
        mailed = "no confirmation mail was asked for"
    elif mail.delivery == "sent" and mail.sent_at is not None:
        mailed = f"the link mailed at {_moment(mail.sent_at)} was not followed"
    elif mail.delivery == "undeliverable":
        mailed = f"the mail server refused the confirmation mail ({mail.error})"
    elif mail.attempts == 0:
        why = f" ({mail.error})" if mail.error else ""
        mailed = f"the confirmation mail was not sent{why}"
    else:
        tried = f"; last error: {mail.error}" if mail.error else ""
        mailed = f"the confirmation mail could not be sent ({mail.attempts} tries{tried})"
    check = Check(
        name=CHECK,
        passed=False,
        status="failed",
        field="email",
        before=confirmation.email,
        evidence=f"not confirmed within {window} (by {_moment(confirmation.expires_at)}): {mailed}",
        findings=(UNCONFIRMED,),
    )
    reason = Reason(
        code=UNCONFIRMED,
        message=f"the email address was not confirmed within {window} (double opt-in)",
        field="email",
    )
    return Verdict(
        accepted=False,
        contact=held.contact,
        checks=(*held.checks, check),
        reasons=(reason,),
        outcome="rejected",
        findings=(*held.findings, UNCONFIRMED),
    )


def erased(held: LeadVerifiedData) -> LeadVerifiedData:
    """What is kept of a held lead rejected as suppressed: nothing about the person."""
    return LeadVerifiedData(
        source_id=held.source_id,
        contact=ContactDetails(),
        checks=(),
        received_at=held.received_at,
        findings=("suppressed",),
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before sending again after ``attempts`` failed tries (1 or more)."""
    delay = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16)
    return min(delay, LATEST_RETRY)


def _moment(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    shown = f"{hours:.0f}" if abs(hours - round(hours)) < 0.01 else f"{hours:.1f}"
    return f"{shown} hour{'' if shown == '1' else 's'}"
