"""The confirmation mail: who it is from, what it says, and the link to follow."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from leadflow_verify.opt_in.domain.policy import DoubleOptIn


def confirmation_mail(
    policy: DoubleOptIn,
    *,
    to: str,
    first_name: str | None,
    link: str,
    expires_at: datetime,
) -> EmailMessage:
    """A plain-text mail asking ``to`` to confirm their address by following ``link``."""
    message = EmailMessage()
    message["From"] = policy.sender
    message["To"] = to
    message["Subject"] = policy.subject
    message["Message-ID"] = make_msgid(domain=policy.sender.rpartition("@")[2].strip("> "))
    # Mail software should not answer this mail with an out-of-office note.
    message["Auto-Submitted"] = "auto-generated"
    greeting = f"Hello {first_name}," if first_name else "Hello,"
    deadline = expires_at.strftime("%d %B %Y, %H:%M UTC")
    message.set_content(
        f"{greeting}\n\n"
        f"please confirm that {to} is your email address and that you asked to hear from us:\n"
        f"\n{link}\n\n"
        f"The link works until {deadline}.\n\n"
        "If you did not ask for this, ignore this mail: without your confirmation nothing "
        "more happens, and your details are not passed on.\n"
    )
    return message
