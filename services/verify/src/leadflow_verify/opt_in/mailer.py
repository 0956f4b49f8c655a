"""The mailer port, and the real one that sends through an SMTP server (aiosmtplib).

Tests hand in a fake that subclasses :class:`Mailer`, or point :class:`SmtpMailer` at an
SMTP server they start on loopback (aiosmtpd).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Literal

import aiosmtplib
from pydantic import SecretStr

TlsMode = Literal["auto", "starttls", "tls", "none"]


class MailNotSent(Exception):
    """A mail that did not go out::

    MailNotSent            this mail: its recipient refused for a while (a 4xx, such
    │                      as greylisting) or its data refused; tried again later
    │                      on its own. ``permanent``: its recipient refused for good
    │                      (5xx), and sending it again cannot help
    └── ServerUnavailable  no mail can go now, whatever its recipient: no connection,
                           a timeout, the server closing (421), a login or STARTTLS
                           that failed, the sender refused
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ServerUnavailable(MailNotSent):
    """The mail server cannot take any mail now: the other mails wait too."""


class Mailer:
    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the mail system; raises :class:`MailNotSent`."""
        raise NotImplementedError


class SmtpMailer(Mailer):
    """One SMTP connection per mail, to ``host:port``. TLS: ``auto`` uses STARTTLS when the
    server offers it, ``starttls`` insists on it, ``tls`` is TLS from the first byte (port
    465), ``none`` never encrypts."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: SecretStr | None = None,
        tls: TlsMode = "auto",
        timeout_s: float = 10.0,
    ) -> None:
        self.host, self.port = host, port
        self.username = username
        self.password = password
        self.tls = tls
        self.timeout_s = timeout_s

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password.get_secret_value() if self.password else None,
                use_tls=self.tls == "tls",
                start_tls={"auto": None, "starttls": True, "tls": False, "none": False}[self.tls],
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusals = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            permanent = all(r.code >= 500 for r in exc.recipients)
            raise MailNotSent(f"recipient refused: {refusals}", permanent=permanent) from exc
        except (
            aiosmtplib.SMTPConnectError,  # no connection, or a refusing greeting
            aiosmtplib.SMTPServerDisconnected,
            aiosmtplib.SMTPTimeoutError,
            aiosmtplib.SMTPAuthenticationError,
            aiosmtplib.SMTPSenderRefused,
            aiosmtplib.SMTPHeloError,
        ) as exc:  # its message names the server
            raise ServerUnavailable(str(exc)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            answer = f"{self.host}:{self.port} answered {exc.code} {exc.message}"
            if exc.code == 421:  # the server is closing the connection: not this mail's fault
                raise ServerUnavailable(answer) from exc
            raise MailNotSent(answer) from exc
        except aiosmtplib.SMTPException as exc:  # such as STARTTLS required, not offered
            raise ServerUnavailable(str(exc)) from exc
        except (OSError, TimeoutError) as exc:
            raise ServerUnavailable(f"{self.host}:{self.port}: {exc!r}") from exc
