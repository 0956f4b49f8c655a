"""Double opt-in on real Postgres, with the mail going to an SMTP server the tests start on
loopback (aiosmtpd), never the internet: a lead of such a source is held and publishes
nothing; its mail carries a signed link; following it (through verify's app) publishes the
held ``lead.verified``, once; a changed, unknown or expired link gets a clear page; a lead
not confirmed in time is rejected as ``unconfirmed``; a mail that cannot be sent is tried
again later, one the server refuses for good is not."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import Envelope, LeadCaptured, LeadRejected, LeadVerified, parse_event
from leadflow_shared.events.v1 import ContactDetails
from leadflow_shared.ports import Clock
from leadflow_verify.contact.handlers import verify_leads
from leadflow_verify.dedupe.domain.identity import identity_of
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.handlers import expire_due, send_due
from leadflow_verify.opt_in.mailer import Mailer, MailNotSent, SmtpMailer
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.infra import free_port
from tests.smtp_server import Mailbox, smtp_server
from tests.support import api_client, fresh, handle

POLICY = DoubleOptIn(sender="News <news@example.com>", confirm_within_hours=48)
ALL = 10_000  # mails per send_due: every due one, other tests' included


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class FailingMailer(Mailer):
    """A mail server that cannot be reached: counts the tries."""

    def __init__(self) -> None:
        self.tries = 0

    async def send(self, message: EmailMessage) -> None:
        self.tries += 1
        raise MailNotSent("connection refused")


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


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


@pytest.fixture
def settings(infra_env: Infra) -> VerifySettings:
    return infra_env.settings(VerifySettings, "verify")


@pytest.fixture
def links(settings: VerifySettings) -> ConfirmationLinks:
    assert settings.confirm_secret is not None
    return ConfirmationLinks(settings.confirm_secret.get_secret_value(), settings.link_base)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as server:
        yield server


def mailer_for(mailbox: Mailbox) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", mailbox.port, tls="none", timeout_s=5)


async def hold(db: Database, *events: LeadCaptured, at: datetime | None = None) -> list[Envelope]:
    clock = FixedClock(at or datetime.now(UTC))
    return await handle(db, verify_leads, list(events), double_opt_in=POLICY, clock=clock)


async def outbox(db: Database, lead_id: uuid.UUID) -> list[Envelope]:
    """The events verify's outbox holds for a lead (no relay runs in these tests)."""
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT value FROM verify.outbox WHERE key = $1 ORDER BY id", str(lead_id).encode()
        )
    return [parse_event(r["value"]) for r in rows]


def link_in(mail: EmailMessage) -> str:
    found = re.search(r"http://\S+/v1/confirm/[\w.-]+", mail.get_content())
    assert found, mail.get_content()
    return found[0]


async def report(client: httpx.AsyncClient, lead_id: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"/v1/verifications/{lead_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_lead_of_a_double_opt_in_source_is_held_and_publishes_nothing(
    db: Database, settings: VerifySettings
) -> None:
    held, other, phone_only = (
        captured(),
        captured(double_opt_in=False),
        captured(email=None, phone="+45 20 12 34 56", country="DK"),
    )
    published = {e.lead_id: e for e in await hold(db, held, other, phone_only)}
    assert held.lead_id not in published
    assert isinstance(published[other.lead_id], LeadVerified)
    rejected = published[phone_only.lead_id]
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["no_email_to_confirm"]
    # delivered again under another event id: nothing published, still one confirmation
    assert await hold(db, held.model_copy(update={"id": uuid.uuid4()})) == []
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        body = await report(client, held.lead_id)
    assert body["outcome"] == "awaiting_confirmation" and body["accepted"] is True
    opt_in = body["double_opt_in"]
    assert opt_in["state"] == "awaiting" and opt_in["confirmed_at"] is None
    assert opt_in["mail"] == {"state": "pending", "attempts": 0, "sent_at": None, "error": None}
    expires = datetime.fromisoformat(opt_in["expires_at"])
    assert expires - datetime.fromisoformat(opt_in["requested_at"]) == timedelta(hours=48)


async def test_the_mail_reaches_the_smtp_server_and_its_link_confirms_the_lead_once(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    # the poster's text goes nowhere near the mail: a name that is an advert is held (sent
    # to review) like any other lead, but the mail greets nobody by name
    lead = captured(first_name="You won $500, claim at http://evil.example/x")
    await hold(db, lead)
    email = lead.data.submission.email
    assert email is not None
    results = await send_due(
        db.unit_of_work(),
        mailer=mailer_for(mailbox),
        links=links,
        policy=POLICY,
        now=datetime.now(UTC),
        limit=ALL,
    )
    assert any(r.lead_id == lead.lead_id and r.mail == "sent" for r in results)
    mail = mailbox.to(email)[0]
    assert mail["From"] == "News <news@example.com>" and mail["Subject"] == POLICY.subject
    assert mail.get_content().splitlines()[0] == "Hello,"
    assert "evil.example" not in mail.as_string() and "$500" not in mail.as_string()
    assert mail["Date"] is not None and mail["Message-ID"] is not None
    link = link_in(mail)
    assert link.startswith(f"{settings.link_base}/v1/confirm/")
    assert await outbox(db, lead.lead_id) == []  # nothing published before confirmation

    async with api_client(VERIFY.create_app(settings), "verify") as client:
        page = await client.get(link.removeprefix(settings.link_base))
        again = await client.get(link.removeprefix(settings.link_base))
        body = await report(client, lead.lead_id)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "your email address is confirmed" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert again.status_code == 200 and "already confirmed" in again.text

    (verified,) = await outbox(db, lead.lead_id)  # published once, though followed twice
    assert isinstance(verified, LeadVerified)
    assert verified.causation_id == lead.id and verified.correlation_id == lead.correlation_id
    check = verified.data.checks[-1]
    assert check.name == "double_opt_in" and check.passed and check.after == email
    assert verified.data.contact.email == email and verified.data.source_id == "newsletter"
    assert body["outcome"] == verified.data.outcome
    assert body["double_opt_in"]["state"] == "confirmed"
    assert body["double_opt_in"]["mail"]["state"] == "sent"
    confirmed_at = datetime.fromisoformat(body["double_opt_in"]["confirmed_at"])
    assert confirmed_at.isoformat(timespec="seconds") in check.evidence
    assert [c["name"] for c in body["checks"]][-1] == "double_opt_in"


async def test_a_changed_unknown_or_expired_link_gets_a_clear_page_and_confirms_nothing(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=49)
    late = captured()
    await hold(db, late, at=long_ago)
    fresh_lead = captured()
    await hold(db, fresh_lead)
    real = links.token(fresh_lead.lead_id, datetime.now(UTC) + timedelta(hours=48))
    payload, _, signature = real.rpartition(".")
    swapped = links.token(late.lead_id, datetime.now(UTC) + timedelta(days=9)).rpartition(".")[0]
    other_key = ConfirmationLinks("not-the-secret-0123456789abcdef-xyz", "http://x")
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        pages = {
            "tampered": await client.get(f"/v1/confirm/{swapped}.{signature}"),
            "cut short": await client.get(f"/v1/confirm/{payload}"),
            "other key": await client.get(
                f"/v1/confirm/{other_key.token(fresh_lead.lead_id, datetime.now(UTC))}"
            ),
            "unknown": await client.get(
                f"/v1/confirm/{links.token(uuid.uuid4(), datetime.now(UTC) + timedelta(hours=1))}"
            ),
            "expired": await client.get(
                f"/v1/confirm/{links.token(late.lead_id, long_ago + timedelta(hours=48))}"
            ),
        }
        held = await report(client, fresh_lead.lead_id)
    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == {
        "tampered": 400,
        "cut short": 400,
        "other key": 400,
        "unknown": 404,
        "expired": 410,
    }
    assert "not valid" in pages["tampered"].text and "expired" in pages["expired"].text
    assert all(p.headers["content-type"].startswith("text/html") for p in pages.values())
    assert await outbox(db, late.lead_id) == [] and await outbox(db, fresh_lead.lead_id) == []
    assert held["outcome"] == "awaiting_confirmation"


async def test_a_lead_not_confirmed_in_time_is_rejected_as_unconfirmed(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = datetime.now(UTC) - timedelta(days=400)  # before any other test's leads
    email = address()
    lead = captured(email=email)
    await hold(db, lead, at=start)
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=47)) == 0
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=48, seconds=1)) >= 1
    (rejected,) = await outbox(db, lead.lead_id)
    assert isinstance(rejected, LeadRejected) and rejected.causation_id == lead.id
    assert [(r.code, r.field) for r in rejected.data.reasons] == [("unconfirmed", "email")]
    assert "not confirmed within 48 hours" in rejected.data.reasons[0].message
    assert rejected.data.checks[-1].name == "double_opt_in"
    assert not rejected.data.checks[-1].passed
    assert rejected.data.source_id == "newsletter"
    # nothing happens twice, and the link no longer confirms
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=49)) == 0
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        late = await client.get(f"/v1/confirm/{links.token(lead.lead_id, datetime.now(UTC))}")
        body = await report(client, lead.lead_id)
    assert late.status_code == 410 and len(await outbox(db, lead.lead_id)) == 1
    assert body["outcome"] == "rejected" and body["accepted"] is False
    assert "unconfirmed" in body["findings"]
    assert [r["code"] for r in body["reasons"]] == ["unconfirmed"]
    assert body["double_opt_in"]["state"] == "expired"
    assert body["double_opt_in"]["expired_at"] is not None
    # the same person again, from a source without double opt-in: not a repeat of a lead
    # that was never confirmed
    (again,) = await hold(db, captured(double_opt_in=False, email=email))
    assert isinstance(again, LeadVerified) and again.data.duplicate_of is None


async def test_a_mail_that_cannot_be_sent_waits_and_one_refused_for_good_does_not(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    now = datetime.now(UTC)
    waiting, refused = captured(), captured()
    await hold(db, waiting, refused, at=now)
    failing = FailingMailer()
    first = await send_due(
        db.unit_of_work(), mailer=failing, links=links, policy=POLICY, now=now, limit=ALL
    )
    assert failing.tries == 1  # the server is unreachable: the rest of the batch waits
    tried = {r.lead_id: r for r in first}
    assert tried[waiting.lead_id].mail == "pending"
    assert tried[waiting.lead_id].next_attempt_at == now + timedelta(seconds=30)
    assert tried[waiting.lead_id].error == "connection refused"
    # not due again before its retry time
    soon = await send_due(
        db.unit_of_work(), mailer=failing, links=links, policy=POLICY, now=now, limit=ALL
    )
    assert waiting.lead_id not in {r.lead_id for r in soon}

    refused_address = refused.data.submission.email
    assert refused_address is not None
    mailbox.refused.add(refused_address)
    later = now + timedelta(seconds=31)
    second = await send_due(
        db.unit_of_work(), mailer=mailer_for(mailbox), links=links, policy=POLICY, now=later,
        limit=ALL,
    )  # fmt: skip
    results = {r.lead_id: r for r in second}
    assert results[waiting.lead_id].mail == "sent"
    assert results[refused.lead_id].mail == "undeliverable"
    assert "550" in (results[refused.lead_id].error or "")
    assert waiting.data.submission.email is not None
    assert len(mailbox.to(waiting.data.submission.email)) == 1
    assert mailbox.to(refused_address) == []
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        sent = (await report(client, waiting.lead_id))["double_opt_in"]["mail"]
        undeliverable = (await report(client, refused.lead_id))["double_opt_in"]["mail"]
    assert sent["state"] == "sent" and sent["attempts"] == 2 and sent["error"] is None
    assert undeliverable["state"] == "undeliverable" and "550" in undeliverable["error"]
    third = await send_due(
        db.unit_of_work(), mailer=mailer_for(mailbox), links=links, policy=POLICY,
        now=later + timedelta(hours=1), limit=ALL,
    )  # fmt: skip
    assert not {waiting.lead_id, refused.lead_id} & {r.lead_id for r in third}


async def test_an_smtp_server_that_does_not_answer_is_a_failure_to_retry() -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), tls="none", timeout_s=1)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "x"
    message.set_content("x")
    with pytest.raises(MailNotSent) as info:
        await mailer.send(message)
    assert not info.value.permanent


async def test_without_a_secret_the_link_page_says_confirmation_is_unavailable(
    infra_env: Infra, tmp_path: Any
) -> None:
    config = tmp_path / "leadflow.yaml"
    config.write_text("verification:\n  reject: [suppressed]\n")
    settings = infra_env.settings(VerifySettings, "verify", confirm_secret=None, config_file=config)
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        page = await client.get("/v1/confirm/anything")
    assert page.status_code == 503 and "not available" in page.text


async def mail_and_follow(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox, email: str
) -> httpx.Response:
    """Send the due mails, then follow the last link mailed to ``email``."""
    await send_due(
        db.unit_of_work(),
        mailer=mailer_for(mailbox),
        links=links,
        policy=POLICY,
        now=datetime.now(UTC),
        limit=ALL,
    )
    link = link_in(mailbox.to(email)[-1])
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        return await client.get(link.removeprefix(settings.link_base))


async def first_lead_of(db: Database, lead_id: uuid.UUID) -> uuid.UUID | None:
    async with db.driver_connection() as conn:
        found: uuid.UUID | None = await conn.fetchval(
            "SELECT first_lead_id FROM verify.people WHERE lead_id = $1", lead_id
        )
    return found


async def test_a_held_lead_is_nobodys_first_lead_until_it_is_confirmed(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    email = address()
    held = captured(email=email)
    await hold(db, held)
    assert await first_lead_of(db, held.lead_id) is None
    # the same person from another source: not a repeat of a lead nobody downstream saw
    (first,) = await hold(db, captured(double_opt_in=False, email=email))
    assert isinstance(first, LeadVerified) and first.data.duplicate_of is None
    # nor is a lead after a held one in the same batch
    other_email = address()
    held_too, same_batch = captured(email=other_email), captured(False, email=other_email)
    (published,) = await hold(db, held_too, same_batch)
    assert isinstance(published, LeadVerified) and published.data.duplicate_of is None

    page = await mail_and_follow(db, settings, links, mailbox, email)
    assert page.status_code == 200
    (verified,) = await outbox(db, held.lead_id)
    assert isinstance(verified, LeadVerified) and verified.data.duplicate_of is None
    # confirmed, it is a person's lead like any other (its own first, as it was held alone)
    assert await first_lead_of(db, held.lead_id) == held.lead_id
    (later,) = await hold(db, captured(double_opt_in=False, email=email))
    assert isinstance(later, LeadVerified) and later.data.duplicate_of == first.lead_id


async def test_a_held_repeat_is_confirmed_as_a_repeat_of_the_lead_it_was_linked_to(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    email = address()
    (first,) = await hold(db, captured(double_opt_in=False, email=email))
    held = captured(email=email)
    await hold(db, held)
    assert await first_lead_of(db, held.lead_id) is None
    assert (await mail_and_follow(db, settings, links, mailbox, email)).status_code == 200
    (verified,) = await outbox(db, held.lead_id)
    assert isinstance(verified, LeadVerified) and verified.data.duplicate_of == first.lead_id
    assert await first_lead_of(db, held.lead_id) == first.lead_id


async def test_a_lead_held_into_people_by_an_older_verify_hands_its_person_on_when_it_expires(
    db: Database,
) -> None:
    """Before held leads waited for confirmation to join ``people``, verify added them at
    once: such a lead expiring unconfirmed is forgotten, and the earliest of its repeats
    becomes their person's first lead."""
    start = datetime.now(UTC) - timedelta(days=300)  # after the other tests' expiry runs
    email = address()
    held = captured(email=email)
    await hold(db, held, at=start)
    async with db.unit_of_work() as uow:  # what the older verify did at hold time
        contact = ContactDetails(email=email, first_name="Ana")
        await PeopleRepository(uow).add([(identity_of(held.lead_id, contact), held.lead_id)])
        await uow.commit()
    (one,) = await hold(db, captured(double_opt_in=False, email=email))
    (two,) = await hold(db, captured(double_opt_in=False, email=email))
    assert isinstance(one, LeadVerified) and one.data.duplicate_of == held.lead_id
    assert isinstance(two, LeadVerified) and two.data.duplicate_of == held.lead_id

    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=49)) >= 1
    assert await first_lead_of(db, held.lead_id) is None
    assert await first_lead_of(db, one.lead_id) == one.lead_id
    assert await first_lead_of(db, two.lead_id) == one.lead_id
    (three,) = await hold(db, captured(double_opt_in=False, email=email))
    assert isinstance(three, LeadVerified) and three.data.duplicate_of == one.lead_id
