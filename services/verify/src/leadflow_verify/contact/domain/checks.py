"""Verification of one submission: contact checks with evidence, washing, the verdict.

A lead is accepted when at least one way to reach it (email or phone) is valid. A failed
check never disappears: an invalid email next to a valid phone is dropped from the
contact details, and its check stays in the verdict as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from leadflow_shared.events.v1 import Check, ContactDetails, LeadSubmission, Reason
from leadflow_verify.contact.domain.country import country_name, parse_country
from leadflow_verify.contact.domain.email import examine_email
from leadflow_verify.contact.domain.washing import (
    collapse_whitespace,
    normalise_language,
    normalise_website,
    wash_name,
)


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one field: its clean value (None if it failed) and why."""

    value: str | None
    check: Check


@dataclass(frozen=True, slots=True)
class Verdict:
    """What verification decided about one submission."""

    accepted: bool
    contact: ContactDetails
    checks: tuple[Check, ...]
    reasons: tuple[Reason, ...]


def check_email(raw: str) -> Checked:
    """Email syntax (no DNS lookups), normalised: the domain in lower case.

    The syntax check of :func:`~leadflow_verify.contact.domain.email.examine_email`, which
    also tells disposable, role, free-mail and typo findings.
    """
    examination = examine_email(raw)
    return Checked(examination.address, examination.syntax)


def _type_name(kind: int) -> str:
    return phonenumbers.PhoneNumberType.to_string(kind).lower().replace("_", " ")


_PARSE_ERRORS: dict[int, str] = {
    phonenumbers.NumberParseException.NOT_A_NUMBER: "does not look like a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
    phonenumbers.NumberParseException.TOO_LONG: "is too long",
}


def check_phone(raw: str, country: str | None) -> Checked:
    """A phone number read in the lead's country (alpha-2) when known; valid → E.164.

    Without a known country the number needs its calling code (``+49…`` or ``0049…``).
    """
    given = raw.strip()
    text = given
    if country is None and text.startswith("00"):
        text = "+" + text[2:]
    read_as = f"read with region {country}" if country else "read without a region"
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type != phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            problem = _PARSE_ERRORS.get(exc.error_type, "cannot be read as a phone number")
            evidence = f"{given!r} {problem} ({read_as})"
        elif country is None:
            evidence = f"{given!r} has no country calling code and the lead's country is unknown"
        else:
            evidence = f"{given!r} has no valid country calling code ({read_as})"
        return Checked(None, Check(name="phone_number", passed=False, evidence=evidence))
    # A number of no known type is what phonenumbers calls invalid; asking for the type once
    # saves matching the number against its region's patterns twice.
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        evidence = f"{given!r} is not a valid phone number ({read_as})"
        return Checked(None, Check(name="phone_number", passed=False, evidence=evidence))
    region = phonenumbers.region_code_for_number(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    evidence = f"valid {_type_name(kind)} number in region {region} ({read_as}): {e164}"
    if country and region != country:
        evidence += f"; differs from the lead's country {country}"
    return Checked(e164, Check(name="phone_number", passed=True, evidence=evidence))


def check_country(raw: str) -> Checked:
    """An ISO 3166-1 alpha-2 or alpha-3 code or an English country name → alpha-2."""
    given = raw.strip()
    code = parse_country(given)
    if code is None:
        evidence = f"{given!r} is not an ISO 3166 country code or country name"
        return Checked(None, Check(name="country", passed=False, evidence=evidence))
    evidence = f"{given!r} is ISO 3166 {code} ({country_name(code)})"
    return Checked(code, Check(name="country", passed=True, evidence=evidence))


def check_website(raw: str) -> Checked:
    """A web address, given a scheme and a lower-case host when it lacks them."""
    given = raw.strip()
    url = normalise_website(given)
    if url is None:
        evidence = f"{given!r} is not an http(s) web address"
        return Checked(None, Check(name="website", passed=False, evidence=evidence))
    evidence = f"web address {url!r}" if url == given else f"normalised {given!r} to {url!r}"
    return Checked(url, Check(name="website", passed=True, evidence=evidence))


def verify_submission(submission: LeadSubmission) -> Verdict:
    """Check and wash a submission; accept it when its email or its phone is valid."""
    given_country = _given(submission.country)
    given_email = _given(submission.email)
    given_phone = _given(submission.phone)
    given_website = _given(submission.website)

    country = check_country(given_country) if given_country else None
    region = country.value if country else None
    email = check_email(given_email) if given_email else None
    phone = check_phone(given_phone, region) if given_phone else None
    website = check_website(given_website) if given_website else None

    contact = ContactDetails(
        email=email.value if email else None,
        phone=phone.value if phone else None,
        first_name=wash_name(submission.first_name),
        last_name=wash_name(submission.last_name),
        company=collapse_whitespace(submission.company),
        job_title=collapse_whitespace(submission.job_title),
        website=website.value if website else None,
        country=region,
        city=wash_name(submission.city),
        language=normalise_language(submission.language),
    )
    accepted = contact.email is not None or contact.phone is not None
    checked = (result for result in (email, phone, country, website) if result is not None)
    return Verdict(
        accepted=accepted,
        contact=contact,
        checks=tuple(result.check for result in checked),
        reasons=() if accepted else _reasons(email, phone),
    )


def _given(value: str | None) -> str | None:
    """The value stripped, or None when nothing was typed."""
    if value is None:
        return None
    return value.strip() or None


def _reasons(email: Checked | None, phone: Checked | None) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if email is not None:
        reasons.append(Reason(code="invalid_email", message=email.check.evidence, field="email"))
    if phone is not None:
        reasons.append(Reason(code="invalid_phone", message=phone.check.evidence, field="phone"))
    if not reasons:
        message = "neither an email address nor a phone number was given"
        reasons.append(Reason(code="no_contact", message=message))
    return tuple(reasons)
