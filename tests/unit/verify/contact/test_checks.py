"""Verification of submissions: acceptance, each check's evidence, and washing."""

from __future__ import annotations

from typing import Any

import pytest

from leadflow_shared.events.v1 import Check, Cta, LeadSubmission
from leadflow_verify.contact.domain.checks import check_phone, verify_submission
from leadflow_verify.contact.domain.country import parse_country
from leadflow_verify.contact.domain.verdict import Verdict
from leadflow_verify.contact.handlers import safe_cta


def verify(**fields: Any) -> Verdict:
    return verify_submission(LeadSubmission(**fields))


def check_named(verdict: Verdict, name: str) -> Check:
    (check,) = [c for c in verdict.checks if c.name == name]
    return check


# --- acceptance -----------------------------------------------------------------------


def test_valid_email_and_phone_are_accepted_with_normalised_contact() -> None:
    verdict = verify(email="anna@example.com", phone="+49 30 1234567")

    assert verdict.accepted
    assert verdict.reasons == ()
    assert verdict.contact.email == "anna@example.com"
    assert verdict.contact.phone == "+49301234567"
    contact_checks = [(c.name, c.passed) for c in verdict.checks if c.field in ("email", "phone")]
    # what found nothing about the address travels as one check, its evidence joined
    assert contact_checks == [
        ("email_syntax", True),
        ("email_address", True),
        ("phone_number", True),
    ]
    (address,) = [c for c in verdict.checks if c.name == "email_address"]
    assert "disposable" in address.evidence and "role" in address.evidence
    assert all(c.status == "passed" for c in verdict.checks)


def test_invalid_email_next_to_valid_phone_is_accepted_and_keeps_the_failed_check() -> None:
    verdict = verify(email="anna@", phone="+1 415 555 2671")

    assert verdict.accepted
    assert verdict.reasons == ()
    assert verdict.contact.email is None
    assert verdict.contact.phone == "+14155552671"
    email_check = check_named(verdict, "email_syntax")
    assert not email_check.passed
    assert "'anna@'" in email_check.evidence


def test_invalid_phone_next_to_valid_email_is_accepted_without_the_phone() -> None:
    verdict = verify(email="anna@example.com", phone="12")

    assert verdict.accepted
    assert verdict.contact.phone is None
    assert not check_named(verdict, "phone_number").passed


def test_invalid_email_and_phone_are_rejected_with_a_reason_per_field() -> None:
    verdict = verify(email="not-an-email", phone="hello")

    assert not verdict.accepted
    assert [(r.code, r.field) for r in verdict.reasons] == [
        ("invalid_email", "email"),
        ("invalid_phone", "phone"),
    ]
    assert all(r.message for r in verdict.reasons)
    assert [c.passed for c in verdict.checks] == [False, False]


def test_invalid_email_alone_is_rejected_as_invalid_email() -> None:
    verdict = verify(email="anna@localhost", first_name="Anna")

    assert not verdict.accepted
    assert [(r.code, r.field) for r in verdict.reasons] == [("invalid_email", "email")]


@pytest.mark.parametrize("fields", [{}, {"email": "   ", "phone": ""}, {"first_name": "Anna"}])
def test_no_email_and_no_phone_is_rejected_as_no_contact(fields: dict[str, str]) -> None:
    verdict = verify(**fields)

    assert not verdict.accepted
    assert [(r.code, r.field) for r in verdict.reasons] == [("no_contact", None)]
    assert not [c for c in verdict.checks if c.field in ("email", "phone")]


def test_rejected_lead_still_carries_its_washed_details() -> None:
    verdict = verify(email="nope", first_name="ANNA", country="Sweden")

    assert not verdict.accepted
    assert verdict.contact.first_name == "Anna"
    assert verdict.contact.country == "SE"


# --- email ----------------------------------------------------------------------------


def test_email_is_normalised_with_a_lower_case_domain_and_evidence_says_so() -> None:
    verdict = verify(email="  Anna.Smith@EXAMPLE.Com ")

    assert verdict.contact.email == "Anna.Smith@example.com"
    check = check_named(verdict, "email_syntax")
    assert check.passed
    assert "example.com" in check.evidence
    assert "normalised" in check.evidence


def test_email_already_normal_has_no_normalisation_note() -> None:
    check = check_named(verify(email="anna@example.com"), "email_syntax")

    assert check.passed
    assert "normalised" not in check.evidence


@pytest.mark.parametrize(
    "email", ["anna", "anna@", "@example.com", "anna smith@example.com", "anna@example"]
)
def test_malformed_emails_fail_with_the_library_reason(email: str) -> None:
    check = check_named(verify(email=email, phone="+14155552671"), "email_syntax")

    assert not check.passed
    assert "not a valid email address" in check.evidence


# --- phone ----------------------------------------------------------------------------


def test_national_phone_is_read_in_the_leads_country() -> None:
    verdict = verify(phone="030 1234567", country="DE")

    assert verdict.contact.phone == "+49301234567"
    evidence = check_named(verdict, "phone_number").evidence
    assert "region DE" in evidence
    assert "fixed line" in evidence


@pytest.mark.parametrize("given", ["+52 1 55 1234 5678", "+521 33 1234 5678"])
def test_a_mexican_mobile_typed_with_its_old_1_is_read_without_it(given: str) -> None:
    checked = check_phone(given, "MX")

    assert checked.value == "+52" + given.replace(" ", "")[4:]
    assert checked.check.passed
    assert "Mexico dropped in 2019" in checked.check.evidence


def test_a_mexican_number_that_is_invalid_without_the_1_stays_invalid() -> None:
    assert check_phone("+52 1 00 1234 5678", "MX").value is None


def test_phone_region_comes_from_a_country_given_by_name() -> None:
    verdict = verify(phone="(202) 456-1111", country="United States")

    assert verdict.contact.phone == "+12024561111"
    assert verdict.contact.country == "US"


def test_mobile_number_type_is_named_in_the_evidence() -> None:
    check = check_named(verify(phone="+46 70 123 45 67"), "phone_number")

    assert check.passed
    assert "mobile" in check.evidence
    assert "region SE" in check.evidence


def test_national_phone_without_a_known_country_fails_and_says_why() -> None:
    verdict = verify(phone="030 1234567")

    assert not verdict.accepted
    check = check_named(verdict, "phone_number")
    assert not check.passed
    assert "country is unknown" in check.evidence


def test_international_00_prefix_is_read_without_a_country() -> None:
    assert verify(phone="0049 30 1234567").contact.phone == "+49301234567"


def test_phone_from_another_country_is_valid_and_the_evidence_notes_it() -> None:
    check = check_named(verify(phone="+49 30 1234567", country="US"), "phone_number")

    assert check.passed
    assert "differs from the lead's country US" in check.evidence


def test_number_that_is_not_valid_for_the_region_fails() -> None:
    check = check_named(verify(phone="030 12", country="DE"), "phone_number")

    assert not check.passed
    assert "030 12" in check.evidence


# --- country --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("United States", "US"),
        ("united states of america", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("the Netherlands", "NL"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("South Korea", "KR"),
        ("  Brazil ", "BR"),
        # as forms in other languages name them
        ("Deutschland", "DE"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("España", "ES"),
        ("Brasil", "BR"),
        ("México", "MX"),
        ("Sverige", "SE"),
        ("Norge", "NO"),
        ("Danmark", "DK"),
        ("Suomi", "FI"),
        ("Nederland", "NL"),
        ("Belgique", "BE"),
        ("Polska", "PL"),
        ("Italia", "IT"),
        ("Éire", "IE"),
        ("日本", "JP"),
    ],
)
def test_country_codes_and_names_become_alpha_2(given: str, code: str) -> None:
    assert parse_country(given) == code


@pytest.mark.parametrize(
    "given", ["Atlantis", "Germny", "XX", "840", "The", "", "Y", "Man", "Tai", "Fas"]
)
def test_unknown_countries_are_not_guessed(given: str) -> None:
    assert parse_country(given) is None


def test_country_check_evidence_names_the_country() -> None:
    verdict = verify(email="anna@example.com", country="gbr")

    assert verdict.contact.country == "GB"
    check = check_named(verdict, "country")
    assert check.passed
    assert "GB" in check.evidence
    assert "United Kingdom" in check.evidence


def test_unknown_country_is_dropped_with_a_failed_check_but_the_lead_stays() -> None:
    verdict = verify(email="anna@example.com", country="Atlantis")

    assert verdict.accepted
    assert verdict.contact.country is None
    check = check_named(verdict, "country")
    assert not check.passed
    assert "'Atlantis'" in check.evidence


# --- washing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "washed"),
    [
        ("ANNA", "Anna"),
        ("anna", "Anna"),
        ("  anna   maria ", "Anna Maria"),
        ("JEAN-LUC", "Jean-Luc"),
        ("o'brien", "O'Brien"),
        ("mcDonald", "McDonald"),  # a lower-case first letter before capitals: careless
        ("McDonald", "McDonald"),
        ("van der Berg", "van der Berg"),
        ("李", "李"),
    ],
)
def test_names_are_title_cased_only_when_typed_all_lower_or_all_upper(
    given: str, washed: str
) -> None:
    contact = verify(email="a@example.com", first_name=given, last_name=given).contact

    assert contact.first_name == washed
    assert contact.last_name == washed


def test_text_fields_have_whitespace_collapsed_and_blanks_dropped() -> None:
    contact = verify(
        email="a@example.com", company="  ACME \t Corp ", job_title="Head  of\nSales", city="   "
    ).contact

    assert contact.company == "ACME Corp"
    assert contact.job_title == "Head of Sales"
    assert contact.city is None


def test_city_casing_is_washed_like_a_name() -> None:
    assert verify(email="a@example.com", city="NEW  YORK").contact.city == "New York"


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("example.com", "https://example.com"),
        ("WWW.Example.com/About?x=1", "https://www.example.com/About?x=1"),
        ("http://Example.COM/Path", "http://example.com/Path"),
        ("//example.com", "https://example.com"),
        ("example.com:8080/shop", "https://example.com:8080/shop"),
        ("https://example.com./", "https://example.com/"),
    ],
)
def test_website_gets_a_scheme_and_a_lower_case_host(given: str, url: str) -> None:
    verdict = verify(email="a@example.com", website=given)

    assert verdict.contact.website == url
    assert check_named(verdict, "website").passed


@pytest.mark.parametrize(
    "given",
    [
        "not a website",
        "anna@example.com",
        "mailto:anna@example.com",
        "javascript:alert(1)",
        "ftp://example.com",
        "localhost",
        "https://",
        "a..b",
    ],
)
def test_website_that_is_no_web_address_is_dropped_with_a_failed_check(given: str) -> None:
    verdict = verify(email="a@example.com", website=given)

    assert verdict.accepted
    assert verdict.contact.website is None
    assert not check_named(verdict, "website").passed


@pytest.mark.parametrize(("given", "tag"), [("EN", "en"), (" en_US ", "en-us"), ("de-CH", "de-ch")])
def test_language_is_lower_cased(given: str, tag: str) -> None:
    assert verify(email="a@example.com", language=given).contact.language == tag


def test_only_given_fields_are_checked() -> None:
    verdict = verify(email="a@example.com", first_name="Anna")

    assert {c.field for c in verdict.checks} == {"email", "name"}
    email = ["email_syntax", "email_address"]
    assert [c.name for c in verdict.checks if c.field == "email"] == email


# --- phone: status, field, before/after, line type, country mismatch ------------------


@pytest.mark.parametrize(
    ("phone", "country", "after", "line_type", "region"),
    [
        ("030 1234567", "DE", "+49301234567", "fixed line", "DE"),
        ("+46 70 123 45 67", None, "+46701234567", "mobile", "SE"),
        ("0171 2345678", "DE", "+491712345678", "mobile", "DE"),
        ("20 12 34 56", "DK", "+4520123456", "fixed line or mobile", "DK"),
        ("(202) 456-1111", "US", "+12024561111", "fixed line or mobile", "US"),
        ("0800 123 4567", "GB", "+448001234567", "toll free", "GB"),
    ],
)
def test_valid_phone_check_carries_status_field_before_after_and_line_type(
    phone: str, country: str | None, after: str, line_type: str, region: str
) -> None:
    checked = check_phone(phone, country)

    check = checked.check
    assert checked.value == after
    assert (check.status, check.field, check.before, check.after) == (
        "passed",
        "phone",
        phone,
        after,
    )
    assert check.passed
    assert check.findings == ()
    assert f"valid {line_type} number in region {region}" in check.evidence


@pytest.mark.parametrize(
    ("phone", "country", "region"),
    [
        ("+49 30 1234567", "US", "DE"),
        ("+46 70 123 45 67", "NO", "SE"),
        ("+1 202 456 1111", "CA", "US"),
    ],
)
def test_phone_of_another_country_passes_flagged_with_a_mismatch_finding(
    phone: str, country: str, region: str
) -> None:
    check = check_phone(phone, country).check

    assert check.passed
    assert check.status == "flagged"
    assert check.findings == ("phone_country_mismatch",)
    assert f"region {region}" in check.evidence
    assert f"differs from the lead's country {country}" in check.evidence


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        ("+1 613 555 0123", "CA"),  # +1: read as Canada, the lead's country
        ("+1 613 555 0123", None),  # no country to disagree with
        ("+44 1534 123456", "JE"),
    ],
)
def test_phone_valid_in_the_leads_own_region_is_no_mismatch(
    phone: str, country: str | None
) -> None:
    check = check_phone(phone, country).check

    assert check.status == "passed"
    assert check.findings == ()


@pytest.mark.parametrize(
    ("phone", "country"), [("hello", None), ("030 12", "DE"), ("030 1234567", None), ("12", "SE")]
)
def test_failed_phone_check_has_status_failed_and_no_after(phone: str, country: str | None) -> None:
    checked = check_phone(phone, country)

    assert checked.value is None
    check = checked.check
    assert (check.passed, check.status, check.field) == (False, "failed", "phone")
    assert check.before == phone
    assert check.after is None
    assert check.findings == ()


def test_phone_mismatch_flag_keeps_the_lead_accepted() -> None:
    verdict = verify(phone="+49 30 1234567", country="US")

    assert verdict.accepted
    assert check_named(verdict, "phone_number").findings == ("phone_country_mismatch",)


def test_a_check_that_finds_something_stands_alone_and_the_rest_travel_as_one() -> None:
    verdict = verify(email="anna@gmail.com", first_name="Mickey", last_name="Mouse")
    by_name = {c.name: c for c in verdict.checks}
    assert by_name["email_free"].status == "flagged"
    assert by_name["email_free"].findings == ("free_mail",)
    assert by_name["email_address"].status == "passed"
    assert "email_disposable" not in by_name and "email_role" not in by_name
    assert by_name["name_placeholder"].findings == ("placeholder_name",)
    assert by_name["name"].field == "name" and "mashing" in by_name["name"].evidence


@pytest.mark.parametrize(
    "given",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/pricing",
        "ftp://files.example.com/x",
        "https://",
    ],
)
def test_a_page_address_that_is_no_http_url_is_dropped_and_flagged(given: str) -> None:
    verdict = verify(email="a@example.com", cta=Cta(type="pricing", page_url=given))

    check = check_named(verdict, "page_url")
    assert check.status == "flagged" and check.findings == ("unsafe_url",)
    assert check.after is None and "dropped" in check.evidence
    assert given.strip() not in f"{check.before} {check.evidence}"  # named, not repeated
    assert "unsafe_url" in verdict.findings and verdict.accepted  # a flag, not a rejection
    assert safe_cta(Cta(type="pricing", page_url=given)).page_url is None


@pytest.mark.parametrize("given", ["https://www.example.com/pricing?utm=x", "http://example.com"])
def test_a_web_page_address_is_kept_with_no_check(given: str) -> None:
    verdict = verify(email="a@example.com", cta=Cta(type="pricing", page_url=given))

    assert all(c.name != "page_url" for c in verdict.checks)
    assert safe_cta(Cta(type="pricing", page_url=given)).page_url == given
