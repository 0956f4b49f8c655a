"""Double opt-in's decisions on plain data: which leads can be held, their verdict once
confirmed or expired, the mail, the windows and the retries."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from leadflow_shared.config import ConfigError
from leadflow_shared.events.v1 import Check, ContactDetails, LeadVerifiedData, Reason
from leadflow_verify.config import verify_ports
from leadflow_verify.contact.domain.verdict import Verdict
from leadflow_verify.opt_in.domain.confirmation import (
    DAY,
    Confirmation,
    Mail,
    address_of,
    awaiting,
    confirmable,
    confirmed,
    expired,
    first_try,
    held_back,
    joined,
    retry_delay,
    verdict_of,
)
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.mail import confirmation_mail
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.settings import VerifySettings

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
EMAIL_CHECK = Check(name="email_syntax", passed=True, status="passed", evidence="valid")


def verdict(email: str | None = "ana@example.com", **changes: object) -> Verdict:
    base = Verdict(
        accepted=True,
        contact=ContactDetails(email=email, phone="+4520123456", first_name="Ana"),
        checks=(EMAIL_CHECK,),
        reasons=(),
        outcome="needs_review",
        review_reasons=(Reason(code="free_mail", message="x"),),
        findings=("free_mail",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def mail(**changes: object) -> Mail:
    values: dict[str, object] = {
        "mail_id": uuid.uuid4(),
        "address": "ana@example.com",
        "email": "ana@example.com",
        "requested_at": NOW,
        "expires_at": NOW + timedelta(hours=48),
        **changes,
    }
    return Mail(**values)  # type: ignore[arg-type]


def held(**changes: object) -> Confirmation:
    data = LeadVerifiedData(
        source_id="newsletter",
        contact=ContactDetails(email="ana@example.com", first_name="Ana"),
        checks=(EMAIL_CHECK,),
        received_at=NOW,
        outcome="needs_review",
        findings=("free_mail",),
    )
    values: dict[str, object] = {
        "lead_id": uuid.uuid4(),
        "source_id": "newsletter",
        "email": "ana@example.com",
        "held": data,
        "requested_at": NOW,
        "expires_at": NOW + timedelta(hours=48),
        "mail": mail(),
        **changes,
    }
    return Confirmation(**values)  # type: ignore[arg-type]


def test_a_lead_with_an_address_is_held_as_it_was_decided() -> None:
    decided = verdict()
    assert confirmable(decided) is decided
    stored = awaiting(decided)
    assert stored.outcome == "awaiting_confirmation" and stored.accepted
    assert stored.checks == decided.checks and stored.findings == decided.findings


def test_a_lead_with_no_address_to_confirm_is_rejected_and_says_why() -> None:
    rejected = confirmable(verdict(email=None))
    assert not rejected.accepted and rejected.outcome == "rejected"
    assert [r.code for r in rejected.reasons] == ["no_email_to_confirm"]
    assert rejected.review_reasons == ()
    assert rejected.findings == ("free_mail", "no_email_to_confirm")
    assert rejected.contact.phone == "+4520123456"  # kept, as for any rejected lead


def test_a_lead_rejected_anyway_keeps_its_own_reasons() -> None:
    already = verdict(
        email=None, accepted=False, outcome="rejected", reasons=(Reason(code="r", message="m"),)
    )
    assert confirmable(already) is already


def test_confirmed_data_is_the_held_data_with_a_check_saying_when() -> None:
    c = held()
    at = NOW + timedelta(hours=3, minutes=5)
    data = confirmed(c, at)
    assert data.checks[:-1] == c.held.checks and data.outcome == "needs_review"
    check = data.checks[-1]
    assert check.name == "double_opt_in" and check.passed and check.status == "passed"
    assert check.field == "email" and check.after == "ana@example.com"
    assert "2026-12-02T12:05:00+00:00" in check.evidence
    assert "2026-12-02T09:00:00+00:00" in check.evidence
    stored = verdict_of(data)
    assert stored.accepted and stored.outcome == "needs_review" and stored.checks == data.checks


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ({"delivery": "sent", "sent_at": NOW}, "the link mailed at 2026-12-02T09:00:00+00:00 was"),
        ({"delivery": "undeliverable", "error": "550 no such"}, "refused the confirmation mail"),
        ({"attempts": 7, "error": "connection refused"}, "7 tries; last error: connection"),
        ({"error": held_back(3)}, "was not sent (held back: 3 confirmation mails went to"),
    ],
)
def test_an_expired_lead_is_rejected_as_unconfirmed_saying_what_became_of_its_mail(
    how: dict[str, object], says: str
) -> None:
    rejected = expired(held(mail=mail(**how)))
    assert not rejected.accepted and rejected.outcome == "rejected"
    assert [(r.code, r.field) for r in rejected.reasons] == [("unconfirmed", "email")]
    assert "not confirmed within 48 hours" in rejected.reasons[0].message
    assert rejected.findings == ("free_mail", "unconfirmed")
    check = rejected.checks[-1]
    assert check.name == "double_opt_in" and not check.passed and check.status == "failed"
    assert check.findings == ("unconfirmed",) and says in check.evidence


def test_addresses_are_those_repeats_are_matched_by() -> None:
    assert address_of("Ana+News@Example.com") == "ana@example.com"
    assert address_of("a.n.a@gmail.com") == address_of("ana@googlemail.com") == "ana@gmail.com"


def test_a_lead_waiting_for_an_earlier_mail_has_until_its_deadline_at_most() -> None:
    waiting = mail(expires_at=NOW + timedelta(hours=3))
    assert joined(NOW + timedelta(hours=48), waiting) == NOW + timedelta(hours=3)
    assert joined(NOW + timedelta(hours=1), waiting) == NOW + timedelta(hours=1)


def test_a_link_and_a_lead_expire_at_their_deadline_not_after_it() -> None:
    deadline = NOW + timedelta(hours=48)
    for thing in (mail(expires_at=deadline), held(expires_at=deadline)):
        assert not thing.expired(deadline - timedelta(microseconds=1))
        assert thing.expired(deadline) and thing.expired(deadline + timedelta(seconds=1))


def test_an_address_gets_at_most_so_many_mails_a_day() -> None:
    hour = timedelta(hours=1)
    assert first_try(NOW, [], 3) == NOW
    assert first_try(NOW, [NOW - 2 * hour, NOW - hour], 3) == NOW
    three = [NOW - 20 * hour, NOW - 2 * hour, NOW - hour]
    assert first_try(NOW, three, 3) == NOW + 4 * hour  # when the first is a day old
    assert first_try(NOW, [NOW - 25 * hour, *three[1:]], 3) == NOW  # older ones don't count
    assert first_try(NOW, [NOW - hour], 1) == NOW + 23 * hour
    assert first_try(NOW, [NOW - 3 * hour, NOW - 2 * hour, NOW - hour, NOW], 2) == NOW + DAY - hour


def test_retries_wait_longer_each_time_up_to_a_quarter_of_an_hour() -> None:
    waits = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits[:5] == [30, 60, 120, 240, 480]
    assert waits[5:] == [900] * 4
    assert retry_delay(10_000) == timedelta(minutes=15)


def test_each_source_may_have_its_own_window() -> None:
    policy = DoubleOptIn(confirm_within_hours=24, confirm_within_hours_by_source={"events": 2})
    assert policy.window("newsletter") == timedelta(hours=24)
    assert policy.window("events") == timedelta(hours=2)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"sender": "nobody"}, "sender must be an email address"),
        ({"sender": "a@b.example\r\nBcc: x@y.example"}, "sender must be an email address"),
        ({"subject": "Hi\nBcc: x@y.example"}, "subject must be one line"),
        ({"confirm_within_hours": 0}, "greater than 0"),
        ({"confirm_within_hours": 24 * 31}, "less than or equal to 720"),
        ({"confirm_within_hours_by_source": {"x": -1}}, "x: hours must be above 0"),
        ({"double_opt_in": True}, "Extra inputs are not permitted"),
        ({"mails_per_address_per_day": 0}, "greater than or equal to 1"),
    ],
)
def test_a_configuration_that_makes_no_sense_is_refused(
    raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        DoubleOptIn.model_validate(raw)


def test_the_mail_carries_the_link_its_deadline_and_a_date_and_nothing_the_poster_typed() -> None:
    policy = DoubleOptIn(sender="News <news@example.com>", subject="Confirm, please")
    links = ConfirmationLinks("k" * 32, "http://127.0.0.1:8001")
    link = links.link(links.issue()[0])
    sent = datetime(2026, 12, 2, 10, 15, 30, tzinfo=UTC)
    mail = confirmation_mail(policy, to="ana@example.com", link=link, expires_at=NOW, sent_at=sent)
    assert mail["From"] == "News <news@example.com>" and mail["To"] == "ana@example.com"
    assert mail["Subject"] == "Confirm, please" and mail["Message-ID"].endswith("@example.com>")
    assert mail["Date"] == "Wed, 02 Dec 2026 10:15:30 +0000"
    assert parsedate_to_datetime(mail["Date"]) == sent
    body = mail.get_content()
    assert body.startswith("Hello,\n") and f"\n{link}\n" in body
    assert "02 December 2026, 09:00 UTC" in body
    raw = mail.as_bytes()
    assert f"\r\n{link}\r\n".encode() in raw  # the link stays whole on its line
    assert b"\r\nDate: Wed, 02 Dec 2026 10:15:30 +0000\r\n" in raw


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "leadflow.yaml"
    path.write_text(text)
    return path


def test_verify_refuses_to_start_when_double_opt_in_is_configured_without_a_secret(
    tmp_path: Path,
) -> None:
    path = config_file(tmp_path, "verification:\n  double_opt_in: {confirm_within_hours: 24}\n")
    settings = VerifySettings(database_url="postgresql://x@127.0.0.1/x", config_file=path)
    with pytest.raises(ConfigError, match="needs LEADFLOW_CONFIRM_SECRET"):
        verify_ports(settings)
    secret = SecretStr("s" * 32)
    ports = verify_ports(settings.model_copy(update={"confirm_secret": secret}))
    assert isinstance(ports["links"], ConfirmationLinks)
    assert ports["links"].base_url == "http://127.0.0.1:8001"  # the API's own address
    assert ports["double_opt_in"] == DoubleOptIn(confirm_within_hours=24)


def test_a_source_asking_for_double_opt_in_needs_a_secret_even_without_the_section(
    tmp_path: Path,
) -> None:
    path = config_file(
        tmp_path,
        "sources:\n"
        "  - {id: web-form, name: Web}\n"
        "  - {id: newsletter, name: News, double_opt_in: true, rate_limit_per_second: 5}\n"
        "verification:\n  reject: [suppressed]\n",
    )
    settings = VerifySettings(database_url="postgresql://x@127.0.0.1/x", config_file=path)
    with pytest.raises(ConfigError, match=r"source 'newsletter'.*needs LEADFLOW_CONFIRM_SECRET"):
        verify_ports(settings)
    secret = SecretStr("s" * 32)
    ports = verify_ports(settings.model_copy(update={"confirm_secret": secret}))
    assert isinstance(ports["links"], ConfirmationLinks)


def test_without_the_section_no_secret_is_needed_and_no_link_can_be_made(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        "sources:\n  - {id: web-form, double_opt_in: false}\n"
        "verification:\n  reject: [suppressed]\n",
    )
    settings = VerifySettings(database_url="postgresql://x@127.0.0.1/x", config_file=path)
    ports = verify_ports(settings)
    assert ports["links"] is None and ports["double_opt_in"] == DoubleOptIn()


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"confirm_secret": "too-short"}, "at least 32 items"),
        ({"public_url": "ftp://x.example"}, r"public_url must be an http\(s\) address"),
        ({"smtp_tls": "sometimes"}, "'auto', 'starttls', 'tls' or 'none'"),
        # the example from docker-compose.yml, in any case: anyone could sign links with it
        (
            {"confirm_secret": "change-me-confirm-secret-0123456789"},
            "LEADFLOW_CONFIRM_SECRET is a placeholder",
        ),
        ({"confirm_secret": "CHANGE-ME-" + "x" * 32}, "starts with 'change-me'"),
        # a login over a connection that may not be encrypted
        ({"smtp_username": "mailer"}, "LEADFLOW_SMTP_TLS must be 'starttls' or 'tls'"),
        (
            {"smtp_username": "mailer", "smtp_password": "pw", "smtp_tls": "none"},
            "got 'none'",
        ),
    ],
)
def test_unsafe_or_unusable_mail_settings_are_refused(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        VerifySettings(database_url="postgresql://x@127.0.0.1/x", **env)  # type: ignore[arg-type]


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_a_login_over_tls_is_accepted(tls: str) -> None:
    settings = VerifySettings(
        database_url="postgresql://x@127.0.0.1/x",
        smtp_username="mailer",
        smtp_password="pw",
        smtp_tls=tls,
        confirm_secret="a-real-secret-" + "x" * 32,
    )
    assert settings.smtp_username == "mailer" and settings.confirm_secret is not None


def test_empty_settings_are_unset_and_the_public_url_loses_its_last_slash() -> None:
    settings = VerifySettings(
        database_url="postgresql://x@127.0.0.1/x",
        confirm_secret="",
        smtp_password="",
        public_url="https://leads.example.com/",
    )
    assert settings.confirm_secret is None and settings.smtp_password is None
    assert settings.link_base == "https://leads.example.com"
