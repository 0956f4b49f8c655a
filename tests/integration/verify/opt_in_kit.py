"""Helpers of verify's double opt-in tests: captured leads, holding them, sending their
mails, following links, and reading what verify stored and published."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx

from leadflow_shared.db import Database
from leadflow_shared.events import Envelope, LeadCaptured, parse_event
from leadflow_shared.ports import Clock
from leadflow_verify.contact.handlers import verify_leads
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.mail_repository import Mailed
from leadflow_verify.opt_in.mailer import Mailer, ServerUnavailable, SmtpMailer
from leadflow_verify.opt_in.sending import send_due
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.smtp_server import Mailbox
from tests.support import api_client, fresh, handle

POLICY = DoubleOptIn(sender="News <news@example.com>", confirm_within_hours=48)
ALL = 10_000  # mails per send_due: every due one
_AGES = itertools.count(100, 9)


def past() -> datetime:
    """A moment of its own in the past, days from any other test's (each test's leads and
    mails, held then, are the only ones due, or running out, around it)."""
    return datetime.now(UTC) - timedelta(days=next(_AGES))


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class Recorder(Mailer):
    """A mail server in memory: keeps what it is sent; ``failing`` says what to raise for a
    recipient instead (an exception, raised each time)."""

    def __init__(self, failing: dict[str, BaseException] | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.tries: list[str] = []
        self.failing = failing or {}

    async def send(self, message: EmailMessage) -> None:
        to = str(message["To"])
        self.tries.append(to)
        if to in self.failing:
            raise self.failing[to]
        self.sent.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if m["To"] == address]


class Unreachable(Recorder):
    """A mail server that cannot be reached: counts the tries."""

    async def send(self, message: EmailMessage) -> None:
        self.tries.append(str(message["To"]))
        raise ServerUnavailable("connection refused")


def captured(double_opt_in: bool = True, **submission: Any) -> LeadCaptured:
    person = {"email": address(), "phone": None, "first_name": "Ana", "company": None}

    def edit(raw: dict[str, Any]) -> None:
        raw["data"]["source_id"] = "newsletter" if double_opt_in else "web-form"
        raw["data"]["double_opt_in"] = double_opt_in
        raw["data"]["submission"].update(person | submission)

    event: LeadCaptured = fresh("lead.captured", edit)
    return event


def address() -> str:
    return f"ana.{uuid.uuid4().hex[:10]}@example.com"


def mailer_for(mailbox: Mailbox) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", mailbox.port, tls="none", timeout_s=5)


async def hold(
    db: Database, *events: LeadCaptured, at: datetime | None = None, policy: DoubleOptIn = POLICY
) -> list[Envelope]:
    clock = FixedClock(at or datetime.now(UTC))
    return await handle(db, verify_leads, list(events), double_opt_in=policy, clock=clock)


async def send(
    db: Database,
    links: ConfirmationLinks,
    mailer: Mailer,
    now: datetime | None = None,
    policy: DoubleOptIn = POLICY,
) -> list[Mailed]:
    return await send_due(
        db.unit_of_work(),
        mailer=mailer,
        links=links,
        policy=policy,
        now=now or datetime.now(UTC),
        limit=ALL,
    )


async def outbox(db: Database, lead_id: uuid.UUID) -> list[Envelope]:
    """The events verify's outbox holds for a lead (no relay runs in these tests)."""
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT value FROM verify.outbox WHERE key = $1 ORDER BY id", str(lead_id).encode()
        )
    return [parse_event(r["value"]) for r in rows]


async def mail_row(db: Database, lead_id: uuid.UUID) -> dict[str, Any]:
    """The row of the mail a held lead waits for."""
    async with db.driver_connection() as conn:
        row = await conn.fetchrow(
            "SELECT m.* FROM verify.confirmation_mails m JOIN verify.confirmations c"
            " ON c.mail_id = m.mail_id WHERE c.lead_id = $1",
            lead_id,
        )
    assert row is not None
    return dict(row)


def link_in(mail: EmailMessage) -> str:
    found = re.search(r"http://\S+/v1/confirm/[\w.-]+", mail.get_content())
    assert found, mail.get_content()
    return found[0]


def token_in(mail: EmailMessage) -> str:
    return link_in(mail).rpartition("/")[2]


async def follow(settings: VerifySettings, link: str) -> httpx.Response:
    """Open the link and press its button (the page's form posts to the link)."""
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        path = link.removeprefix(settings.link_base)
        page = await client.get(path)
        if page.status_code != 200 or "<form" not in page.text:
            return page
        return await client.post(path)


async def report(settings: VerifySettings, lead_id: uuid.UUID) -> dict[str, Any]:
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        response = await client.get(f"/v1/verifications/{lead_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def mail_and_follow(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox, email: str
) -> httpx.Response:
    """Send the due mails through the SMTP server, then follow the last link mailed to
    ``email``."""
    await send(db, links, mailer_for(mailbox))
    return await follow(settings, link_in(mailbox.to(email)[-1]))
