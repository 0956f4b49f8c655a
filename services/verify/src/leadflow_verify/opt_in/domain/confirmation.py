"""What double opt-in decides about a lead: whether it can be held for confirmation, and
its verdict once confirmed or once its time ran out.

A held lead's verdict is stored as ``awaiting_confirmation``; the ``lead.verified`` it will
publish is kept with it (``held``). Confirmed, it becomes that verdict again with a passed
``double_opt_in`` check saying when; unconfirmed by its deadline, it is rejected as
``unconfirmed``. A lead of such a source with no valid email address cannot be confirmed:
it is rejected as ``no_email_to_confirm`` at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from leadflow_shared.events.v1 import Check, LeadVerifiedData, Reason
from leadflow_verify.contact.domain.policy import NO_EMAIL_TO_CONFIRM, UNCONFIRMED, Outcome
from leadflow_verify.contact.domain.verdict import Verdict

AWAITING: Outcome = "awaiting_confirmation"
CHECK = "double_opt_in"

State = Literal["awaiting", "confirmed", "expired"]
MailState = Literal["pending", "sent", "undeliverable"]

# A mail that could not be sent is tried again after 30 s, then twice as long each time,
# at most every 15 minutes, until it is sent or its lead's time runs out.
FIRST_RETRY = timedelta(seconds=30)
LATEST_RETRY = timedelta(minutes=15)


@dataclass(frozen=True)
class Confirmation:
    """A held lead: the address to confirm, the event to publish once confirmed, where it
    stands and how its mail went."""

    lead_id: uuid.UUID
    source_id: str
    email: str
    held: LeadVerifiedData
    requested_at: datetime
    expires_at: datetime
    state: State = "awaiting"
    settled_at: datetime | None = None  # when confirmed or expired
    mail: MailState = "pending"
    attempts: int = 0
    sent_at: datetime | None = None
    mail_error: str | None = None


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
    if confirmation.mail == "sent" and confirmation.sent_at is not None:
        mailed = f"the link mailed at {_moment(confirmation.sent_at)} was not followed"
    elif confirmation.mail == "undeliverable":
        mailed = f"the mail server refused the confirmation mail ({confirmation.mail_error})"
    else:
        tried = f"; last error: {confirmation.mail_error}" if confirmation.mail_error else ""
        mailed = f"the confirmation mail could not be sent ({confirmation.attempts} tries{tried})"
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
