"""Email domain and company website: do they name one organisation?"""

from __future__ import annotations

import pytest

from leadflow_verify.contact.domain.company import (
    DOMAIN_MISMATCH,
    domain_agreement,
    is_free_mail,
    registrable_domain,
)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("acme.com", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("mail.eu.acme.com", "acme.com"),
        ("acme.co.uk", "acme.co.uk"),
        ("www.shop.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au"),
        ("acme.com.br", "acme.com.br"),
        ("www.acme.co.jp", "acme.co.jp"),
        ("acme.co", "acme.co"),
        ("www.acme.co", "acme.co"),
        ("shop.acme.de", "acme.de"),
        ("ACME.DK.", "acme.dk"),
        ("localhost", None),
        ("", None),
    ],
)
def test_registrable_domain(host: str, domain: str | None) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("domain", "free"),
    [
        ("gmail.com", True),
        ("GMX.de", True),
        ("hotmail.co.uk", True),
        ("acme.com", False),
        ("gmail.acme.com", False),
    ],
)
def test_free_mail(domain: str, free: bool) -> None:
    assert is_free_mail(domain) is free


@pytest.mark.parametrize(
    ("email_domain", "website", "evidence"),
    [
        ("acme.com", "https://www.acme.com/about", "both acme.com"),
        ("mail.acme.co.uk", "acme.co.uk", "both acme.co.uk"),
        ("anna@Acme.com.br", "WWW.ACME.COM.BR", "both acme.com.br"),
        ("sales.acme.de", "http://shop.acme.de/", "both acme.de"),
        ("acme.de", "acme.com", "share the name 'acme'"),
    ],
)
def test_agreeing_domains_pass(email_domain: str, website: str, evidence: str) -> None:
    check = domain_agreement(email_domain, website)

    assert check is not None
    assert (check.name, check.status, check.passed, check.field) == (
        "domain_agreement",
        "passed",
        True,
        "email",
    )
    assert check.findings == ()
    assert evidence in check.evidence


@pytest.mark.parametrize(
    ("email_domain", "website", "after"),
    [
        ("acme.com", "globex.com", "acme.com / globex.com"),
        ("anna@consulting.dk", "https://www.acme.co.uk", "consulting.dk / acme.co.uk"),
        ("acme.co.uk", "other.co.uk", "acme.co.uk / other.co.uk"),  # not both "co.uk"
    ],
)
def test_disagreeing_domains_pass_flagged(email_domain: str, website: str, after: str) -> None:
    check = domain_agreement(email_domain, website)

    assert check is not None
    assert check.passed
    assert check.status == "flagged"
    assert check.findings == (DOMAIN_MISMATCH,)
    assert check.after == after
    assert "differs from the company website" in check.evidence


@pytest.mark.parametrize("email_domain", ["gmail.com", "anna@hotmail.co.uk", "web.de"])
def test_free_mail_is_passed_with_nothing_compared(email_domain: str) -> None:
    check = domain_agreement(email_domain, "acme.com")

    assert check is not None
    assert check.status == "passed"
    assert check.findings == ()
    assert check.evidence == "free-mail address: no company domain to compare"


@pytest.mark.parametrize(
    ("email_domain", "website"),
    [(None, "acme.com"), ("acme.com", None), ("", "acme.com"), ("acme.com", "not a website")],
)
def test_nothing_to_compare_gives_no_check(email_domain: str | None, website: str | None) -> None:
    assert domain_agreement(email_domain, website) is None
