"""Email examination without the network: syntax and normal form, disposable domains, role
mailboxes, free mail, and typos with their suggested fix."""

from __future__ import annotations

import pytest

from leadflow_shared.events.v1 import Check
from leadflow_verify.contact.domain.email import (
    EmailExamination,
    disposable_domain,
    examine_email,
    suggest_domain,
)
from leadflow_verify.contact.domain.mail_lists import COMMON_DOMAINS, FREE_MAIL_DOMAINS

CHECK_NAMES = ["email_syntax", "email_disposable", "email_role", "email_free", "email_typo"]


def check_named(examination: EmailExamination, name: str) -> Check:
    (check,) = [c for c in examination.checks if c.name == name]
    return check


# --- the table: address → the findings it raises (and the typo's suggested address) -------

CASES: list[tuple[str, tuple[str, ...], str | None]] = [
    # disposable services, and their subdomains
    ("lead@mailinator.com", ("disposable_domain",), None),
    ("lead@guerrillamail.com", ("disposable_domain",), None),
    ("lead@guerrillamail.info", ("disposable_domain",), None),
    ("lead@sharklasers.com", ("disposable_domain",), None),
    ("lead@10minutemail.com", ("disposable_domain",), None),
    ("lead@yopmail.com", ("disposable_domain",), None),
    ("lead@trashmail.com", ("disposable_domain",), None),
    ("lead@temp-mail.org", ("disposable_domain",), None),
    ("lead@maildrop.cc", ("disposable_domain",), None),
    ("lead@dispostable.com", ("disposable_domain",), None),
    ("lead@throwawaymail.com", ("disposable_domain",), None),
    ("lead@inbox.Mailinator.COM", ("disposable_domain",), None),
    # role mailboxes, in their spellings
    ("info@acme-industries.com", ("role_account",), None),
    ("Sales@acme-industries.com", ("role_account",), None),
    ("admin@acme-industries.com", ("role_account",), None),
    ("noreply@acme-industries.com", ("role_account",), None),
    ("no-reply@acme-industries.com", ("role_account",), None),
    ("no_reply@acme-industries.com", ("role_account",), None),
    ("do.not.reply@acme-industries.com", ("role_account",), None),
    ("support+leads@acme-industries.com", ("role_account",), None),
    ("contact@acme-industries.com", ("role_account",), None),
    ("office@acme-industries.com", ("role_account",), None),
    ("hello@acme-industries.com", ("role_account",), None),
    ("marketing@acme-industries.com", ("role_account",), None),
    ("billing@acme-industries.com", ("role_account",), None),
    ("hr@acme-industries.com", ("role_account",), None),
    ("jobs@acme-industries.com", ("role_account",), None),
    ("webmaster@acme-industries.com", ("role_account",), None),
    ("postmaster@acme-industries.com", ("role_account",), None),
    ("kontakt@beispiel-gmbh.de", ("role_account",), None),
    # people: no role, even when a role word is part of the name
    ("information.smith@acme-industries.com", (), None),
    ("salesforce.admin.anna@acme-industries.com", (), None),
    ("hrvoje@acme-industries.com", (), None),
    # free mail versus a company's own domain
    ("anna@gmail.com", ("free_mail",), None),
    ("anna@googlemail.com", ("free_mail",), None),
    ("anna@yahoo.com", ("free_mail",), None),
    ("anna@yahoo.co.uk", ("free_mail",), None),
    ("anna@yahoo.de", ("free_mail",), None),
    ("anna@hotmail.com", ("free_mail",), None),
    ("anna@outlook.com", ("free_mail",), None),
    ("anna@live.com", ("free_mail",), None),
    ("anna@aol.com", ("free_mail",), None),
    ("anna@icloud.com", ("free_mail",), None),
    ("anna@gmx.de", ("free_mail",), None),
    ("anna@gmx.net", ("free_mail",), None),
    ("anna@web.de", ("free_mail",), None),
    ("anna@mail.ru", ("free_mail",), None),
    ("anna@yandex.ru", ("free_mail",), None),
    ("anna@proton.me", ("free_mail",), None),
    ("anna@protonmail.com", ("free_mail",), None),
    ("anna@qq.com", ("free_mail",), None),
    ("anna@163.com", ("free_mail",), None),
    ("anna@mail.com", ("free_mail",), None),
    ("anna@example-corp.com", (), None),
    ("anna@stripe.com", (), None),
    ("anna@acme.co", (), None),  # Colombia's domain is real: no ".com" fix on its own
    ("anna@cloud.com", (), None),  # not icloud.com: a different first letter
    ("anna@hotmart.com", (), None),  # two letters from hotmail is a different company
    ("anna@love.com", (), None),  # short names are never "corrected"
    ("anna@wed.de", (), None),
    # typos, with the whole address suggested
    ("anna@gmial.com", ("email_typo",), "anna@gmail.com"),  # a typo, not a throwaway address
    ("anna@gmai.com", ("email_typo",), "anna@gmail.com"),
    ("anna@gamil.com", ("email_typo",), "anna@gmail.com"),
    ("anna@gnail.com", ("email_typo",), "anna@gmail.com"),
    ("anna@gmail.co", ("email_typo",), "anna@gmail.com"),
    ("anna@gmail.con", ("email_typo",), "anna@gmail.com"),
    ("anna@hotmial.con", ("email_typo",), "anna@hotmail.com"),
    ("anna@hotmail.cm", ("email_typo",), "anna@hotmail.com"),
    ("anna@yaho.com", ("email_typo",), "anna@yahoo.com"),
    ("anna@yahooo.com", ("email_typo",), "anna@yahoo.com"),
    ("anna@yahoo.co", ("email_typo",), "anna@yahoo.com"),
    ("anna@outlok.com", ("email_typo",), "anna@outlook.com"),
    ("anna@outlook.cmo", ("email_typo",), "anna@outlook.com"),
    ("anna@iclod.com", ("email_typo",), "anna@icloud.com"),
    ("anna@googlemial.com", ("email_typo",), "anna@googlemail.com"),
    ("anna@aol.con", ("email_typo",), "anna@aol.com"),
    ("anna@gmx.ne", ("email_typo",), "anna@gmx.net"),
    ("anna@t-onlin.de", ("email_typo",), "anna@t-online.de"),
    ("Anna.Smith@acme.con", ("email_typo",), "Anna.Smith@acme.com"),
    ("anna@acme.ogr", ("email_typo",), "anna@acme.org"),
    # findings together
    ("info@gmail.com", ("role_account", "free_mail"), None),
    ("sales@yopmail.com", ("disposable_domain", "role_account"), None),
    ("info@gmial.com", ("role_account", "email_typo"), "info@gmail.com"),
]


@pytest.mark.parametrize(("email", "findings", "suggestion"), CASES)
def test_findings_and_suggestion(email: str, findings: tuple[str, ...], suggestion: str | None):
    examination = examine_email(email)

    assert examination.valid
    assert examination.findings == findings
    assert examination.suggestion == suggestion
    assert [c.name for c in examination.checks] == CHECK_NAMES
    for check in examination.checks:
        assert check.passed
        assert check.field == "email"
        assert check.status == ("flagged" if check.findings else "passed")
        assert check.evidence
    assert check_named(examination, "email_typo").suggestion == suggestion


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40


# --- syntax and normal form -----------------------------------------------------------


def test_valid_address_is_normalised_with_a_lower_case_domain() -> None:
    examination = examine_email("  Anna.Smith@EXAMPLE-Corp.Com ")

    assert examination.address == "Anna.Smith@example-corp.com"
    assert examination.local_part == "Anna.Smith"
    assert examination.domain == "example-corp.com"
    syntax = examination.syntax
    assert syntax.name == "email_syntax"
    assert (syntax.passed, syntax.status) == (True, "passed")
    assert syntax.before == "  Anna.Smith@EXAMPLE-Corp.Com "
    assert syntax.after == "Anna.Smith@example-corp.com"
    assert "normalised" in syntax.evidence
    assert all(c.after == "Anna.Smith@example-corp.com" for c in examination.checks)


def test_address_already_normal_has_no_before_and_after() -> None:
    examination = examine_email("anna@example-corp.com")

    assert examination.address == "anna@example-corp.com"
    assert all(c.before is None and c.after is None for c in examination.checks)
    assert "normalised" not in examination.syntax.evidence


def test_international_domain_keeps_unicode_and_gives_its_ascii_form() -> None:
    examination = examine_email("anna@Bücher.DE")

    assert examination.address == "anna@bücher.de"
    assert examination.domain == "bücher.de"
    assert examination.ascii_domain == "xn--bcher-kva.de"
    assert examination.findings == ()


@pytest.mark.parametrize(
    "email",
    ["anna", "anna@", "@example.com", "anna smith@example.com", "anna@example", "anna@@x.com",
     "anna@example..com", ".anna@example.com"],
)  # fmt: skip
def test_invalid_syntax_fails_with_one_check_and_no_findings(email: str) -> None:
    examination = examine_email(email)

    assert not examination.valid
    assert examination.address is None
    assert examination.domain is None
    assert examination.findings == ()
    assert examination.suggestion is None
    (check,) = examination.checks
    assert check.name == "email_syntax"
    assert (check.passed, check.status, check.field) == (False, "failed", "email")
    assert check.before == email
    assert f"{email!r} is not a valid email address" in check.evidence


# --- evidence a sales manager reads ---------------------------------------------------


def test_evidence_says_what_each_finding_means() -> None:
    typo = check_named(examine_email("anna@gmial.com"), "email_typo")
    assert "typo of gmail.com" in typo.evidence
    assert "anna@gmail.com" in typo.evidence

    disposable = check_named(examine_email("x@inbox.mailinator.com"), "email_disposable")
    assert "inbox.mailinator.com is a subdomain of mailinator.com" in disposable.evidence
    assert "throwaway" in disposable.evidence

    role = check_named(examine_email("no-reply@acme-industries.com"), "email_role")
    assert "role mailbox (noreply)" in role.evidence

    free = check_named(examine_email("anna@gmail.com"), "email_free")
    assert "free email provider" in free.evidence
    business = check_named(examine_email("anna@example-corp.com"), "email_free")
    assert "company's own domain" in business.evidence


# --- the lists and helpers ------------------------------------------------------------


def test_disposable_domain_matches_parents_but_never_a_bare_tld() -> None:
    assert disposable_domain("a.b.mailinator.com") == "mailinator.com"
    assert disposable_domain("mailinator.com") == "mailinator.com"
    assert disposable_domain("com") is None
    assert disposable_domain("mailinator.example-corp.com") is None


def test_no_well_known_domain_is_ever_corrected() -> None:
    known = sorted(FREE_MAIL_DOMAINS | set(COMMON_DOMAINS))

    assert [(d, suggest_domain(d)) for d in known if suggest_domain(d)] == []


def test_common_domains_are_all_free_mail() -> None:
    assert set(COMMON_DOMAINS) <= FREE_MAIL_DOMAINS


def test_a_typo_of_a_common_provider_is_a_typo_not_a_throwaway_address() -> None:
    # gmial.com is on throwaway lists as a trap; the visitor meant gmail.com
    examined = examine_email("ana@gmial.com")
    assert examined.findings == ("email_typo",)
    assert examined.suggestion == "ana@gmail.com"


def test_brazilian_free_mail_is_free_mail() -> None:
    for address in ("maria@uol.com.br", "joao@bol.com.br"):
        assert "free_mail" in examine_email(address).findings, address
