"""The email_domain check from a DNS answer, nameserver texts, and the resolver the settings
choose (offline unless told otherwise)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow_verify.contact.dns import (
    DnsMailDomainResolver,
    DomainAnswer,
    OfflineMailDomainResolver,
    domain_check,
    parse_nameserver,
    resolver_from_settings,
)
from leadflow_verify.settings import VerifySettings

DB = "postgresql://leadflow_verify@127.0.0.1:5432/leadflow"


def answer(accepts_mail: bool | None) -> DomainAnswer:
    return DomainAnswer(
        domain="example.test",
        accepts_mail=accepts_mail,
        hosts=("mx.example.test",) if accepts_mail else (),
        looked_up="MX example.test",
        duration_ms=1.5,
        evidence="what DNS said",
    )


@pytest.mark.parametrize(
    ("accepts_mail", "passed", "status", "findings"),
    [
        (True, True, "passed", ()),
        (False, False, "failed", ("no_mail_domain",)),
        (None, True, "unknown", ("mail_domain_unknown",)),
    ],
)
def test_domain_check_reads_the_answer(
    accepts_mail: bool | None, passed: bool, status: str, findings: tuple[str, ...]
) -> None:
    check = domain_check(answer(accepts_mail))

    assert check.name == "email_domain"
    assert (check.passed, check.status, check.findings) == (passed, status, findings)
    assert (check.field, check.looked_up, check.duration_ms) == ("email", "MX example.test", 1.5)
    assert check.evidence == "what DNS said"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("9.9.9.9", ("9.9.9.9", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[::1]", ("::1", 53)),
        ("2001:db8::53", ("2001:db8::53", 53)),
    ],
)
def test_nameserver_texts(text: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["dns.google", "127.0.0.1:0", "127.0.0.1:x", "[::1]x", ""])
def test_nameserver_texts_that_are_not_an_address_and_port(text: str) -> None:
    with pytest.raises(ValueError):
        parse_nameserver(text)


def test_dns_is_offline_by_default() -> None:
    settings = VerifySettings(database_url=DB)

    assert settings.dns_mode == "offline"
    assert isinstance(resolver_from_settings(settings), OfflineMailDomainResolver)


def test_servers_from_the_environment_as_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", DB)
    monkeypatch.setenv("LEADFLOW_DNS_MODE", "servers")
    monkeypatch.setenv("LEADFLOW_DNS_SERVERS", "127.0.0.1:5353, [::1]:53")
    monkeypatch.setenv("LEADFLOW_DNS_TIMEOUT_S", "0.5")

    settings = VerifySettings()

    assert settings.dns_servers == ["127.0.0.1:5353", "[::1]:53"]
    resolver = resolver_from_settings(settings)
    assert isinstance(resolver, DnsMailDomainResolver)
    assert [(ns.address, ns.port) for ns in resolver._resolver.nameservers] == [  # type: ignore[union-attr]
        ("127.0.0.1", 5353),
        ("::1", 53),
    ]
    assert resolver._resolver.lifetime == 0.5


def test_servers_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADFLOW_DNS_SERVERS", '["127.0.0.1:5353"]')

    assert VerifySettings(database_url=DB).dns_servers == ["127.0.0.1:5353"]


def test_servers_mode_needs_servers_that_are_addresses() -> None:
    with pytest.raises(ValidationError, match="needs dns_servers"):
        VerifySettings(database_url=DB, dns_mode="servers")
    with pytest.raises(ValidationError, match="not an IP address"):
        VerifySettings(database_url=DB, dns_mode="servers", dns_servers=["dns.google"])
