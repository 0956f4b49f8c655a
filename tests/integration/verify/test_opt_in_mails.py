"""Double opt-in's mails on real Postgres: one mail per address while one waits, and every
lead waiting for it confirmed by its link; a cap of mails per address a day; a recipient
refused for a while tried again alone, an unreachable server stopping the round without
counting tries it did not make; each try recorded as it is made, by the claim's holder
only; and the do-not-contact list checked again before a mail goes out and when a link is
followed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

import phonenumbers
import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import LeadRejected, LeadVerified
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.handlers import confirm, expire_due
from leadflow_verify.opt_in.mail_repository import Mailed, MailRepository
from leadflow_verify.opt_in.sending import CLAIM_FOR
from leadflow_verify.settings import VerifySettings
from leadflow_verify.suppression.handlers import suppress
from tests.integration.verify.opt_in_kit import (
    Recorder,
    Unreachable,
    address,
    captured,
    follow,
    hold,
    link_in,
    mail_row,
    mailer_for,
    outbox,
    past,
    report,
    send,
    token_in,
)
from tests.smtp_server import Mailbox


def a_phone() -> str:
    """A valid Danish mobile number nobody else's test uses (the list outlives a test)."""
    while True:
        number = phonenumbers.parse(f"+452{uuid.uuid4().int % 10_000_000:07d}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_of(lead: object) -> str:
    email = lead.data.submission.email  # type: ignore[attr-defined]
    assert isinstance(email, str)
    return email


async def test_an_address_gets_one_mail_while_one_waits_and_its_link_confirms_every_lead(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = past()
    email = address()
    local, _, domain = email.partition("@")
    first = captured(email=email)
    await hold(db, first, at=start)
    recorder = Recorder()
    await send(db, links, recorder, start)
    # the same address again (as repeats match it) in later batches, two in one batch
    tagged = f"{local.upper()}+promo@{domain}"
    second, third = captured(email=tagged), captured(email=email)
    await hold(db, second, third, at=start + timedelta(hours=1))
    fourth = captured(email=email)
    await hold(db, fourth, at=start + timedelta(hours=2))
    await send(db, links, recorder, start + timedelta(hours=3))
    assert recorder.tries == [email]  # one mail, to the address as first given
    rows = [await mail_row(db, lead.lead_id) for lead in (first, second, third, fourth)]
    assert len({row["mail_id"] for row in rows}) == 1
    body = await report(settings, fourth.lead_id)
    assert body["double_opt_in"]["mail"]["state"] == "sent"

    token = token_in(recorder.to(email)[0])
    at = start + timedelta(hours=4)
    done = await confirm(db.unit_of_work(), token, links=links, now=at)
    assert done.first_time
    assert set(done.lead_ids) == {first.lead_id, second.lead_id, third.lead_id, fourth.lead_id}
    for lead in (first, second, third, fourth):
        (verified,) = await outbox(db, lead.lead_id)  # each its own, once
        assert isinstance(verified, LeadVerified) and verified.causation_id == lead.id
        assert verified.data.checks[-1].name == "double_opt_in"
    again = await confirm(db.unit_of_work(), token, links=links, now=at + timedelta(minutes=1))
    assert not again.first_time and again.lead_ids == ()
    for lead in (first, second, third, fourth):
        assert len(await outbox(db, lead.lead_id)) == 1

    # confirmed, nothing waits for the address any more: a new sign-up gets a new mail
    fifth = captured(email=email)
    await hold(db, fifth, at=at + timedelta(hours=1))
    await send(db, links, recorder, at + timedelta(hours=1))
    assert recorder.tries == [email, email]
    assert (await mail_row(db, fifth.lead_id))["mail_id"] != rows[0]["mail_id"]


async def test_a_lead_joining_a_mail_has_until_the_mail_s_deadline(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = past()
    email = address()
    first, later = captured(email=email), captured(email=email)
    await hold(db, first, at=start)
    await hold(db, later, at=start + timedelta(hours=40))
    body = await report(settings, later.lead_id)
    assert body["double_opt_in"]["expires_at"].startswith(
        (start + timedelta(hours=48)).date().isoformat()
    )
    assert (await mail_row(db, later.lead_id))["expires_at"] == start + timedelta(hours=48)
    assert await expire_due(db.unit_of_work(), now=start + timedelta(hours=48)) >= 2
    for lead in (first, later):
        (rejected,) = await outbox(db, lead.lead_id)
        assert isinstance(rejected, LeadRejected)
        assert [r.code for r in rejected.data.reasons] == ["unconfirmed"]
    # the mail is closed too: the next sign-up gets a mail of its own
    again = captured(email=email)
    await hold(db, again, at=start + timedelta(hours=49))
    assert (await mail_row(db, again.lead_id))["mail_id"] != (await mail_row(db, first.lead_id))[
        "mail_id"
    ]


async def test_an_address_gets_at_most_so_many_mails_a_day_however_short_the_window(
    db: Database, links: ConfirmationLinks
) -> None:
    policy = DoubleOptIn(confirm_within_hours=1, mails_per_address_per_day=2)
    start = past()
    email = address()
    recorder = Recorder()
    leads = [captured(email=email) for _ in range(4)]
    for n, lead in enumerate(leads):  # a sign-up every two hours, each window an hour
        at = start + timedelta(hours=2 * n)
        await hold(db, lead, at=at, policy=policy)
        await send(db, links, recorder, at, policy)
        await send(db, links, recorder, at + timedelta(minutes=59), policy)
        await expire_due(db.unit_of_work(), now=at + timedelta(hours=1))
    assert recorder.tries == [email, email]  # the third and fourth were held back
    rejected = (await outbox(db, leads[2].lead_id))[-1]
    assert isinstance(rejected, LeadRejected)
    evidence = rejected.data.checks[-1].evidence or ""
    assert "was not sent (held back: 2 confirmation mails went to this address" in evidence
    # a day after the first, the address may have a mail again
    late = captured(email=email)
    await hold(db, late, at=start + timedelta(hours=24), policy=policy)
    await send(db, links, recorder, start + timedelta(hours=24), policy)
    assert recorder.tries == [email, email, email]


async def test_a_recipient_refused_for_a_while_is_tried_again_alone_and_the_others_go_out(
    db: Database, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    start = past()
    grey, one, two = captured(), captured(), captured()
    await hold(db, grey, at=start)  # the oldest: tried first
    await hold(db, one, two, at=start + timedelta(seconds=1))
    mailbox.greylisted.add(email_of(grey))
    now = start + timedelta(seconds=2)
    results = {r.mail_id: r for r in await send(db, links, mailer_for(mailbox), now)}
    grey_mail, one_mail, two_mail = [
        (await mail_row(db, lead.lead_id))["mail_id"] for lead in (grey, one, two)
    ]
    assert results[one_mail].delivery == results[two_mail].delivery == "sent"
    assert results[grey_mail].delivery == "pending" and "450" in (results[grey_mail].error or "")
    assert results[grey_mail].next_attempt_at == now + timedelta(seconds=30)
    assert len(mailbox.to(email_of(one))) == len(mailbox.to(email_of(two))) == 1
    mailbox.greylisted.clear()
    later = await send(db, links, mailer_for(mailbox), now + timedelta(seconds=30))
    assert [(r.mail_id, r.delivery) for r in later] == [(grey_mail, "sent")]
    row = await mail_row(db, grey.lead_id)
    assert row["attempts"] == 2 and row["delivery"] == "sent" and row["error"] is None


async def test_an_unreachable_server_stops_the_round_and_counts_only_the_try_it_made(
    db: Database, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    start = past()
    leads = [captured() for _ in range(3)]
    await hold(db, *leads, at=start)
    unreachable = Unreachable()
    first = await send(db, links, unreachable, start)
    assert len(unreachable.tries) == 1 and len(first) == 1
    assert first[0].delivery == "pending" and first[0].error == "connection refused"
    rows = [await mail_row(db, lead.lead_id) for lead in leads]
    tried = [r for r in rows if r["attempts"] == 1]
    untried = [r for r in rows if r["attempts"] == 0]
    assert len(tried) == 1 and len(untried) == 2
    assert all(r["claim"] is None and r["error"] is None for r in untried)  # given back
    assert all(r["next_attempt_at"] == start + timedelta(seconds=30) for r in rows)
    assert await send(db, links, unreachable, start + timedelta(seconds=29)) == []
    back = await send(db, links, mailer_for(mailbox), start + timedelta(seconds=30))
    assert sorted(r.delivery for r in back) == ["sent"] * 3
    attempts = [(await mail_row(db, lead.lead_id))["attempts"] for lead in leads]
    assert sorted(attempts) == [1, 1, 2]


class Crashing(Recorder):
    """Sends the first mail, then fails in a way nobody expected."""

    async def send(self, message: EmailMessage) -> None:
        if self.sent:
            self.tries.append(str(message["To"]))
            raise RuntimeError("the process is going down")
        await super().send(message)


async def test_each_try_is_recorded_as_it_is_made_so_a_sent_mail_is_not_sent_again(
    db: Database, links: ConfirmationLinks
) -> None:
    start = past()
    leads = [captured() for _ in range(3)]
    for n, lead in enumerate(leads):
        await hold(db, lead, at=start + timedelta(seconds=n))
    crashing = Crashing()
    now = start + timedelta(seconds=5)
    with pytest.raises(RuntimeError):
        await send(db, links, crashing, now)
    sent, in_flight, untried = [await mail_row(db, lead.lead_id) for lead in leads]
    assert sent["delivery"] == "sent" and sent["attempts"] == 1 and sent["claim"] is None
    # whether the second went out is not known: it stays claimed until the claim runs out
    assert in_flight["claim"] is not None and in_flight["attempts"] == 0
    assert in_flight["next_attempt_at"] == now + CLAIM_FOR
    assert untried["claim"] is None and untried["next_attempt_at"] == now  # given back
    recorder = Recorder()
    await send(db, links, recorder, now + timedelta(seconds=1))
    assert recorder.tries == [email_of(leads[2])]  # neither the sent one nor the claimed
    await send(db, links, recorder, now + CLAIM_FOR)
    assert recorder.tries == [email_of(leads[2]), email_of(leads[1])]


async def test_only_the_holder_of_a_claim_records_its_try(
    db: Database, links: ConfirmationLinks
) -> None:
    start = past()
    lead = captured()
    await hold(db, lead, at=start)
    mail_id = (await mail_row(db, lead.lead_id))["mail_id"]
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work() as uow:
        (claimed,) = await MailRepository(uow).claim_due(start, start + CLAIM_FOR, mine, 10)
        await uow.commit()
    assert claimed.mail_id == mail_id
    later = start + CLAIM_FOR  # the claim ran out; another process takes the mail
    async with db.unit_of_work() as uow:
        (taken,) = await MailRepository(uow).claim_due(later, later + CLAIM_FOR, theirs, 10)
        await uow.commit()
    assert taken.mail_id == mail_id
    async with db.unit_of_work() as uow:
        late = await MailRepository(uow).tried(mine, Mailed(mail_id, "sent", sent_at=later))
        await uow.commit()
    assert late is False
    row = await mail_row(db, lead.lead_id)
    assert row["claim"] == theirs and row["delivery"] == "pending" and row["attempts"] == 0
    async with db.unit_of_work() as uow:
        assert await MailRepository(uow).tried(theirs, Mailed(mail_id, "sent", sent_at=later))
        await uow.commit()
    assert (await mail_row(db, lead.lead_id))["delivery"] == "sent"


async def test_an_address_suppressed_while_its_lead_waits_is_not_mailed(
    db: Database, settings: VerifySettings, links: ConfirmationLinks
) -> None:
    start = past()
    lead, other = captured(), captured()
    await hold(db, lead, other, at=start)
    await suppress(db.unit_of_work(), "email", email_of(lead).upper(), "asked us to stop")
    recorder = Recorder()
    await send(db, links, recorder, start)
    assert recorder.tries == [email_of(other)]
    (rejected,) = await outbox(db, lead.lead_id)
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["suppressed"]
    assert rejected.data.checks == ()
    body = await report(settings, lead.lead_id)
    assert body["outcome"] == "rejected" and body["findings"] == ["suppressed"]
    assert body["contact"]["email"] is None and body["double_opt_in"] is None
    row = await mail_row(db, lead.lead_id)
    assert row["state"] == "withdrawn" and row["email"] == "" and row["address"] == ""
    # nothing more happens to it: not mailed later, not rejected again when time runs out
    await send(db, links, recorder, start + timedelta(hours=1))
    await expire_due(db.unit_of_work(), now=start + timedelta(hours=48))
    assert recorder.tries == [email_of(other)] and len(await outbox(db, lead.lead_id)) == 1


async def test_a_link_followed_after_its_address_was_suppressed_publishes_nothing(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    domain = f"d{uuid.uuid4().hex[:10]}.example.com"
    lead = captured(email=f"ana@{domain}")
    await hold(db, lead)
    await send(db, links, mailer_for(mailbox))
    await suppress(db.unit_of_work(), "domain", domain, None)
    page = await follow(settings, link_in(mailbox.to(email_of(lead))[0]))
    assert page.status_code == 404
    (rejected,) = await outbox(db, lead.lead_id)
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["suppressed"]
    assert (await report(settings, lead.lead_id))["contact"]["email"] is None
    row = await mail_row(db, lead.lead_id)
    assert row["state"] == "withdrawn" and row["address"] == row["email"] == ""


async def test_a_lead_whose_phone_was_suppressed_is_rejected_and_the_others_confirmed(
    db: Database, settings: VerifySettings, links: ConfirmationLinks, mailbox: Mailbox
) -> None:
    email = address()
    phone = a_phone()
    with_phone, without = captured(email=email, phone=phone, country="DK"), captured(email=email)
    await hold(db, with_phone, without)
    await send(db, links, mailer_for(mailbox))
    await suppress(db.unit_of_work(), "phone", phone, None)
    page = await follow(settings, link_in(mailbox.to(email)[0]))
    assert page.status_code == 200
    (rejected,) = await outbox(db, with_phone.lead_id)
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["suppressed"]
    (verified,) = await outbox(db, without.lead_id)
    assert isinstance(verified, LeadVerified)
