"""The confirmation mail: who it is from, what it says, and the link to follow.

It carries nothing the poster of a lead typed but the address itself: a name field could
say anything ("You won $500, claim at http://…"), and anyone can post a lead naming
somebody else's address. So it greets nobody by name."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from leadflow_verify.opt_in.domain.policy import DoubleOptIn

# Lines up to SMTP's limit, so that the link stays whole on one line (not wrapped by
# quoted-printable), even for whoever reads the raw mail.
MAIL_POLICY = email_policy.SMTP.clone(max_line_length=998)


def confirmation_mail(
    policy: DoubleOptIn,
    *,
    to: str,
    link: str,
    expires_at: datetime,
    sent_at: datetime,
) -> EmailMessage:
    """A plain-text mail asking ``to`` to confirm their address by following ``link``,
    dated ``sent_at``."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = policy.sender
    message["To"] = to
    message["Subject"] = policy.subject
    message["Date"] = format_datetime(sent_at.astimezone(UTC))
    message["Message-ID"] = make_msgid(domain=policy.sender.rpartition("@")[2].strip("> "))
    # Mail software should not answer this mail with an out-of-office note.
    message["Auto-Submitted"] = "auto-generated"
    deadline = expires_at.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")
    text = (
        "Hello,\n\n"
        f"please confirm that {to} is your email address and that you asked to hear from us:\n"
        f"\n{link}\n\n"
        f"The link works until {deadline}.\n\n"
        "If you did not ask for this, ignore this mail: without your confirmation nothing "
        "more happens, and your details are not passed on.\n"
    )
    message.set_content(text, cte=None if text.isascii() else "8bit")
    return message
