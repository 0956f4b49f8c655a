"""Double opt-in on real Postgres, with the mail going to an SMTP server the tests start on
loopback (aiosmtpd), never the internet: a lead of such a source is held and publishes
nothing; its mail carries a link that says nothing about it; following it (through
verify's app) publishes the held ``lead.verified``, once; a changed, unknown or expired
link gets a clear page; a lead not confirmed in time is rejected as ``unconfirmed``; a held
lead is nobody's first lead until it is confirmed."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import LeadRejected, LeadVerified
from leadflow_shared.events.v1 import ContactDetails
from leadflow_verify.dedupe.domain.identity import identity_of
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.handlers import ConfirmationExpired, confirm, expire_due
from leadflow_verify.opt_in.mailer import MailNotSent, ServerUnavailable, SmtpMailer
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.infra import free_port
from tests.integration.verify.opt_in_kit import (
    Recorder,
    address,
    captured,
    follow,
    hold,
    link_in,
    mail_and_follow,
    mail_row,
    mailer_for,
    outbox,
    past,
    report,
    send,
    token_in,
)
from tests.smtp_server import Mailbox
from tests.support import api_client


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
    body = await report(settings, held.lead_id)
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
    results = await send(db, links, mailer_for(mailbox))
    mail_id = (await mail_row(db, lead.lead_id))["mail_id"]
    assert any(r.mail_id == mail_id and r.delivery == "sent" for r in results)
    mail = mailbox.to(email)[0]
    assert (
        mail["From"] == "News <news@example.com>"
        and mail["Subject"] == "Please confirm your email address"
    )
    assert mail.get_content().splitlines()[0] == "Hello,"
    assert "evil.example" not in mail.as_string() and "$500" not in mail.as_string()
    assert mail["Date"] is not None and mail["Message-ID"] is not None
    link = link_in(mail)
    assert link.startswith(f"{settings.link_base}/v1/confirm/")
    assert await outbox(db, lead.lead_id) == []  # nothing published before confirmation

    path = link.removeprefix(settings.link_base)
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        # opening the link (as a mail scanner does) shows a button and confirms nothing
        asked = await client.get(path)
        assert asked.status_code == 200 and '<form method="post">' in asked.text
        assert "Confirm my email address" in asked.text
        assert "form-action 'self'" in asked.headers["content-security-policy"]
        assert await outbox(db, lead.lead_id) == []
        assert (await report(settings, lead.lead_id))["outcome"] == "awaiting_confirmation"
        page = await client.post(path)  # the button
        again = await client.post(path)
        opened_again = await client.get(path)
    body = await report(settings, lead.lead_id)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "your email address is confirmed" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert again.status_code == 200 and "already confirmed" in again.text
    assert opened_again.status_code == 200 and "already confirmed" in opened_again.text
    assert "<form" not in opened_again.text

    (verified,) = await outbox(db, lead.lead_id)  # published once, though confirmed twice
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


async def test_a_link_says_nothing_about_its_lead_and_only_its_digest_is_stored(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = past()
    lead = captured()
    await hold(db, lead, at=start)
    recorder = Recorder()
    await send(db, links, recorder, start)
    email = lead.data.submission.email
    assert email is not None
    token = token_in(recorder.to(email)[0])
    for form in (lead.lead_id.hex, str(lead.lead_id), email, email.split("@")[0]):
        assert form not in token
    row = await mail_row(db, lead.lead_id)
    random_part = token.rpartition(".")[0]
    assert row["token_hash"] == hashlib.sha256(random_part.encode()).digest()
    async with db.driver_connection() as conn:  # the token is nowhere in verify's tables
        found = await conn.fetchval(
            "SELECT count(*) FROM verify.confirmation_mails m, verify.confirmations c"
            " WHERE m.mail_id = c.mail_id AND (m::text LIKE $1 OR c::text LIKE $1)",
            f"%{random_part[:20]}%",
        )
    assert found == 0
    # its report (which needs no key) is reached by lead id, which no link carries
    assert (await report(settings, lead.lead_id))["double_opt_in"]["state"] == "awaiting"


async def test_a_changed_unknown_or_expired_link_gets_a_clear_page_and_confirms_nothing(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=49)
    late, fresh_lead = captured(), captured()
    await hold(db, late, at=long_ago)
    recorder = Recorder()
    await send(db, links, recorder, long_ago)  # mailed then: its link ran out an hour ago
    await hold(db, fresh_lead)
    await send(db, links, recorder)
    late_email, fresh_email = late.data.submission.email, fresh_lead.data.submission.email
    assert late_email is not None and fresh_email is not None
    real = token_in(recorder.to(fresh_email)[0])
    random_part, _, signature = real.rpartition(".")
    other_random = links.issue()[0].rpartition(".")[0]
    other_key = ConfirmationLinks("not-the-secret-0123456789abcdef-xyz", "http://x")
    tokens = {
        "tampered": f"{other_random}.{signature}",
        "cut short": random_part,
        "other key": other_key.issue()[0],
        "unknown": links.issue()[0],
        "expired": token_in(recorder.to(late_email)[0]),
    }
    expected = {"tampered": 400, "cut short": 400, "other key": 400, "unknown": 404, "expired": 410}
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        pages = {name: await client.get(f"/v1/confirm/{t}") for name, t in tokens.items()}
        posted = {name: await client.post(f"/v1/confirm/{t}") for name, t in tokens.items()}
    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == expected == {name: page.status_code for name, page in posted.items()}
    assert all("<form" not in page.text for page in pages.values())
    assert "not valid" in pages["tampered"].text and "expired" in pages["expired"].text
    assert all(p.headers["content-type"].startswith("text/html") for p in pages.values())
    assert await outbox(db, late.lead_id) == [] and await outbox(db, fresh_lead.lead_id) == []
    assert (await report(settings, fresh_lead.lead_id))["outcome"] == "awaiting_confirmation"


async def test_the_deadline_is_the_same_moment_for_a_link_and_for_the_expiry_chore(
    db: Database, links: ConfirmationLinks
) -> None:
    """``now >= expires_at`` is too late, whether the link is followed or the chore runs;
    the link's deadline is its mail row's, whatever the expiry chore has done yet."""
    start = past()
    on_time, at_deadline = captured(), captured()
    await hold(db, on_time, at_deadline, at=start)
    recorder = Recorder()
    await send(db, links, recorder, start)
    tokens = {}
    for lead in (on_time, at_deadline):
        email = lead.data.submission.email
        assert email is not None
        tokens[lead.lead_id] = token_in(recorder.to(email)[0])
    deadline = (await mail_row(db, at_deadline.lead_id))["expires_at"]
    assert deadline == start + timedelta(hours=48)

    # the chore has not run: the row's deadline decides
    with pytest.raises(ConfirmationExpired):
        await confirm(db.unit_of_work(), tokens[at_deadline.lead_id], links=links, now=deadline)
    assert await outbox(db, at_deadline.lead_id) == []
    just_in_time = deadline - timedelta(microseconds=1)
    done = await confirm(db.unit_of_work(), tokens[on_time.lead_id], links=links, now=just_in_time)
    assert done.first_time and done.lead_ids == (on_time.lead_id,)
    # the chore, at the same moment, rejects the lead the link could not confirm
    assert await expire_due(db.unit_of_work(), now=deadline - timedelta(microseconds=1)) == 0
    assert await expire_due(db.unit_of_work(), now=deadline) >= 1
    (rejected,) = await outbox(db, at_deadline.lead_id)
    assert isinstance(rejected, LeadRejected)
    (verified,) = await outbox(db, on_time.lead_id)
    assert isinstance(verified, LeadVerified)


async def test_a_lead_not_confirmed_in_time_is_rejected_as_unconfirmed(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = past()
    email = address()
    lead = captured(email=email)
    await hold(db, lead, at=start)
    recorder = Recorder()
    await send(db, links, recorder, start)
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=47)) == 0
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=48, seconds=1)) >= 1
    (rejected,) = await outbox(db, lead.lead_id)
    assert isinstance(rejected, LeadRejected) and rejected.causation_id == lead.id
    assert [(r.code, r.field) for r in rejected.data.reasons] == [("unconfirmed", "email")]
    assert "not confirmed within 48 hours" in rejected.data.reasons[0].message
    assert rejected.data.checks[-1].name == "double_opt_in"
    assert not rejected.data.checks[-1].passed
    assert "was not followed" in rejected.data.checks[-1].evidence
    assert rejected.data.source_id == "newsletter"
    # nothing happens twice, and the link no longer confirms
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=49)) == 0
    late = await follow(settings, link_in(recorder.to(email)[0]))
    body = await report(settings, lead.lead_id)
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


async def test_an_smtp_server_that_does_not_answer_stops_the_round() -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), tls="none", timeout_s=1)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "x"
    message.set_content("x")
    with pytest.raises(ServerUnavailable) as info:
        await mailer.send(message)
    assert not info.value.permanent


async def test_a_recipient_refused_for_a_while_or_for_good_is_that_mail_s_alone(
    mailbox: Mailbox,
) -> None:
    mailbox.greylisted.add("grey@example.com")
    mailbox.refused.add("gone@example.com")
    results: dict[str, MailNotSent] = {}
    for to in ("grey@example.com", "gone@example.com"):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.com", to, "x"
        message.set_content("x")
        with pytest.raises(MailNotSent) as info:
            await mailer_for(mailbox).send(message)
        results["greylisted" if to.startswith("grey") else "refused"] = info.value
    assert not isinstance(results["greylisted"], ServerUnavailable)
    assert not results["greylisted"].permanent and "450" in str(results["greylisted"])
    assert not isinstance(results["refused"], ServerUnavailable)
    assert results["refused"].permanent and "550" in str(results["refused"])


async def test_without_a_secret_the_link_page_says_confirmation_is_unavailable(
    infra_env: Infra, tmp_path: Any
) -> None:
    config = tmp_path / "leadflow.yaml"
    config.write_text("verification:\n  reject: [suppressed]\n")
    settings = infra_env.settings(VerifySettings, "verify", confirm_secret=None, config_file=config)
    async with api_client(VERIFY.create_app(settings), "verify") as client:
        page = await client.get("/v1/confirm/anything")
    assert page.status_code == 503 and "not available" in page.text


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
    start = past()
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
