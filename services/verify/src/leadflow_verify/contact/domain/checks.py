"""Verification of one submission: contact checks with evidence, washing, the verdict.

A lead is accepted when at least one way to reach it (email or phone) is valid. A failed
check never disappears: an invalid email next to a valid phone is dropped from the
contact details, and its check stays in the verdict as evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import phonenumbers

from leadflow_shared.events.v1 import (
    Check,
    ContactDetails,
    DuplicateMatch,
    LeadSubmission,
)
from leadflow_shared.urls import scheme_of, web_url
from leadflow_verify.contact.domain.company import domain_agreement
from leadflow_verify.contact.domain.country import country_name, parse_country
from leadflow_verify.contact.domain.email import EmailExamination, examine_email
from leadflow_verify.contact.domain.names import examine_name
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.contact.domain.verdict import Verdict
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


DEFAULT_POLICY = VerificationPolicy()


def _type_name(kind: int) -> str:
    return phonenumbers.PhoneNumberType.to_string(kind).lower().replace("_", " ")


_PARSE_ERRORS: dict[int, str] = {
    phonenumbers.NumberParseException.NOT_A_NUMBER: "does not look like a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
    phonenumbers.NumberParseException.TOO_LONG: "is too long",
}


PHONE_COUNTRY_MISMATCH = "phone_country_mismatch"


def _phone_failed(given: str, evidence: str) -> Checked:
    check = Check(
        name="phone_number", passed=False, status="failed", field="phone", before=given,
        evidence=evidence,
    )  # fmt: skip
    return Checked(None, check)


_UNKNOWN = phonenumbers.PhoneNumberType.UNKNOWN


def _without_old_mexican_mobile_prefix(
    number: phonenumbers.PhoneNumber,
) -> phonenumbers.PhoneNumber | None:
    """A Mexican number typed with the "1" mobiles had after +52 until 2019 (+52 1 55 …),
    without it, when that makes it valid."""
    national = str(number.national_number)
    if number.country_code != 52 or len(national) != 11 or not national.startswith("1"):
        return None
    fixed = phonenumbers.PhoneNumber(country_code=52, national_number=int(national[1:]))
    return fixed if phonenumbers.number_type(fixed) != _UNKNOWN else None


def check_phone(raw: str, country: str | None) -> Checked:
    """A phone number read in the lead's country (alpha-2) when known; valid → E.164.

    Without a known country the number needs its calling code (``+49…`` or ``0049…``).
    The check names the line type (mobile, fixed line, …) in its evidence; a valid number
    of another region than the lead's country passes flagged ``phone_country_mismatch``.
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
        return _phone_failed(given, evidence)
    # A number of no known type is what phonenumbers calls invalid; asking for the type once
    # saves matching the number against its region's patterns twice.
    kind = phonenumbers.number_type(number)
    fixed = _without_old_mexican_mobile_prefix(number) if kind == _UNKNOWN else None
    if fixed is not None:
        number, kind = fixed, phonenumbers.number_type(fixed)
    if kind == _UNKNOWN:
        evidence = f"{given!r} is not a valid phone number ({read_as})"
        return _phone_failed(given, evidence)
    region = phonenumbers.region_code_for_number(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    evidence = f"valid {_type_name(kind)} number in region {region} ({read_as}): {e164}"
    if fixed is not None:
        evidence += "; the mobile '1' after +52, which Mexico dropped in 2019, left out"
    findings: tuple[str, ...] = ()
    # A number valid in the lead's own region is no mismatch, even where several regions
    # share its calling code and its ranges (+1 in the US and Canada, +44 in GB and Jersey).
    if (
        country
        and region != country
        and not phonenumbers.is_valid_number_for_region(number, country)
    ):
        evidence += f"; differs from the lead's country {country}"
        findings = (PHONE_COUNTRY_MISMATCH,)
    check = Check(
        name="phone_number", passed=True, status="flagged" if findings else "passed",
        field="phone", before=given, after=e164, evidence=evidence, findings=findings,
    )  # fmt: skip
    return Checked(e164, check)


def check_country(raw: str) -> Checked:
    """An ISO 3166-1 alpha-2 or alpha-3 code or a country's name (see
    :mod:`leadflow_verify.contact.domain.country`) → alpha-2."""
    given = raw.strip()
    code = parse_country(given)
    if code is None:
        evidence = f"{given!r} is not an ISO 3166 country code or country name"
        return Checked(None, Check(name="country", passed=False, evidence=evidence))
    evidence = f"{given!r} is ISO 3166 {code} ({country_name(code)})"
    return Checked(code, Check(name="country", passed=True, evidence=evidence))


@functools.lru_cache(maxsize=1024)  # checks are immutable: most leads name a few countries
def _country_check(given: str) -> Checked:
    """The country's check as the event carries it (see :func:`_of_field`)."""
    checked = check_country(given)
    return Checked(checked.value, _of_field(checked, "country", given))


def check_website(raw: str) -> Checked:
    """A web address, given a scheme and a lower-case host when it lacks them."""
    given = raw.strip()
    url = normalise_website(given)
    if url is None:
        evidence = f"{given!r} is not an http(s) web address"
        return Checked(None, Check(name="website", passed=False, evidence=evidence))
    evidence = f"web address {url!r}" if url == given else f"normalised {given!r} to {url!r}"
    return Checked(url, Check(name="website", passed=True, evidence=evidence))


def check_page_url(given: str | None) -> Check | None:
    """A check only when the page the form was sent from is given and unsafe: it is
    dropped from the lead (see :func:`leadflow_shared.urls.web_url`), and the check names
    only what kind of address it was, not the address; a safe page needs no check."""
    if not given or not given.strip() or web_url(given) is not None:
        return None
    kind = scheme_of(given)
    return Check(
        name="page_url",
        passed=True,
        status="flagged",
        field="page_url",
        before=kind,
        after=None,
        evidence=f"the page address ({kind}) is no http(s) web address: dropped from the lead",
        findings=("unsafe_url",),
    )


def verify_submission(
    submission: LeadSubmission,
    policy: VerificationPolicy = DEFAULT_POLICY,
    mail_domains: Mapping[str, Check] | None = None,
    emails: Mapping[str, EmailExamination] | None = None,
) -> Verdict:
    """Check and wash a submission; the policy decides from the checks' findings. A lead
    with no usable email (valid, and its domain not known to refuse mail) and no valid
    phone is rejected. ``mail_domains`` are the ``email_domain`` checks of the batch's
    email domains (IDNA form) and ``emails`` the batch's addresses examined (see
    :func:`examine_emails`), both beforehand."""
    given_country = _given(submission.country)
    given_email = _given(submission.email)
    given_phone = _given(submission.phone)
    given_website = _given(submission.website)

    country = _country_check(given_country) if given_country else None
    region = country.value if country else None
    examined = (
        (emails or {}).get(given_email) or examine_email(given_email) if given_email else None
    )
    email = Checked(examined.address, examined.syntax) if examined else None
    domain = _mail_domain(examined, mail_domains)
    phone = check_phone(given_phone, region) if given_phone else None
    website = check_website(given_website) if given_website else None
    name = examine_name(submission.first_name, submission.last_name, email=given_email)
    email_domain = email.value if email else None
    agreement = domain_agreement(email_domain, website.value if website else None)

    contact = ContactDetails(
        email=email.value if email and (domain is None or domain.passed) else None,
        phone=phone.value if phone else None,
        first_name=name.first,
        last_name=name.last,
        company=collapse_whitespace(submission.company),
        job_title=collapse_whitespace(submission.job_title),
        website=website.value if website else None,
        country=region,
        city=wash_name(submission.city),
        language=normalise_language(submission.language),
    )
    checks = (
        *((_of_field(email, "email", given_email),) if email else ()),
        *(examined.report[1:] if examined else ()),  # after the syntax: what the address is
        *((domain,) if domain is not None else ()),
        *(
            _of_field(result, field, given)
            for result, field, given in (
                (phone, "phone", given_phone),
                (country, "country", given_country),
                (website, "website", given_website),
            )
            if result is not None
        ),
        *name.report,
        *((agreement,) if agreement is not None else ()),
    )
    page = check_page_url(submission.cta.page_url)
    if page is not None:
        checks = (*checks, page)
    usable = contact.email is not None or contact.phone is not None
    decision = policy.decide(checks, usable_contact=usable)
    return Verdict(
        accepted=decision.outcome != "rejected",
        contact=contact,
        checks=checks,
        reasons=decision.reasons,
        outcome=decision.outcome,
        review_reasons=decision.review_reasons,
        findings=decision.findings,
    )


def examine_emails(submissions: Iterable[LeadSubmission]) -> dict[str, EmailExamination]:
    """Each address of a batch examined once, by the address as typed (trimmed): the stage
    looks its domain up, then the verdict reads it."""
    given = {_given(s.email) for s in submissions} - {None}
    return {email: examine_email(email) for email in given if email}


def _mail_domain(
    examined: EmailExamination | None, mail_domains: Mapping[str, Check] | None
) -> Check | None:
    """The ``email_domain`` check of a valid address's domain, when it was looked up."""
    if examined is None or examined.ascii_domain is None or not mail_domains:
        return None
    return mail_domains.get(examined.ascii_domain)


def _of_field(result: Checked, field: str, given: str | None) -> Check:
    """The check as the event carries it: the field it is about, its status, the value
    before and after washing, and ``invalid_<field>`` as the finding of a failure."""
    check = result.check
    update: dict[str, object] = {}
    if check.field is None:
        update["field"] = field
    if check.status is None:
        update["status"] = "passed" if check.passed else "failed"
    if check.before is None and given is not None and given != result.value:
        update["before"] = given
    if check.after is None and result.value is not None and given != result.value:
        update["after"] = result.value
    if not check.passed and not check.findings:
        update["findings"] = (f"invalid_{field}",)
    return check.model_copy(update=update) if update else check


def _given(value: str | None) -> str | None:
    """The value stripped, or None when nothing was typed."""
    if value is None:
        return None
    return value.strip() or None


def repeat(verdict: Verdict, match: DuplicateMatch) -> Verdict:
    """The verdict of a lead found to repeat an earlier one: flagged ``duplicate``, with
    the match as a check of its own."""
    check = Check(
        name="duplicate",
        passed=True,
        status="flagged",
        evidence=f"repeats an earlier lead: {match.evidence}",
        findings=("duplicate",),
    )
    return replace(
        verdict, checks=(*verdict.checks, check), findings=(*verdict.findings, "duplicate")
    )
