"""How a lead's report shows its double opt-in."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from leadflow_verify.opt_in.domain.confirmation import Confirmation, MailState, State


class MailOut(BaseModel):
    state: MailState = Field(description="pending (tried again later), sent, or undeliverable")
    attempts: int = Field(description="tries so far")
    sent_at: datetime | None
    error: str | None = Field(description="why the last try failed")


class ConfirmationOut(BaseModel):
    """Where a held lead's confirmation stands."""

    state: State = Field(
        description="awaiting (held), confirmed, expired (rejected as unconfirmed), or "
        "suppressed (rejected: put on the do-not-contact list while it waited)"
    )
    requested_at: datetime
    expires_at: datetime = Field(description="unconfirmed by then, the lead is rejected")
    confirmed_at: datetime | None
    expired_at: datetime | None
    mail: MailOut = Field(
        description="the mail to its address, which every lead held for the address while "
        "it waits waits for too"
    )

    @classmethod
    def of(cls, c: Confirmation) -> ConfirmationOut:
        mail = c.mail
        assert mail is not None  # a stored confirmation is read with its mail
        return cls(
            state=c.state,
            requested_at=c.requested_at,
            expires_at=c.expires_at,
            confirmed_at=c.settled_at if c.state == "confirmed" else None,
            expired_at=c.settled_at if c.state == "expired" else None,
            mail=MailOut(
                state=mail.delivery,
                attempts=mail.attempts,
                sent_at=mail.sent_at,
                error=mail.error,
            ),
        )
