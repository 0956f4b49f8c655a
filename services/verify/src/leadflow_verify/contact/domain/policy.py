"""What the findings of the checks lead to: the verification policy.

Every check may raise findings (codes below). The policy says which findings reject a
lead, which send it to review (``needs_review``: scored, but never pushed to a rep) and
which only flag it; anything it does not name is a flag. A lead with no usable way to
reach it (no valid email, no valid phone) is always rejected.

In the configuration file (``verification:``)::

    verification:
      reject: [suppressed]
      review: [disposable_domain, gibberish_name, placeholder_name, contact_in_name]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from leadflow_shared.events.v1 import Check, Reason

NO_USABLE_CONTACT = "no_usable_contact"
# Double opt-in's (the opt_in feature): they always reject, whatever the policy says.
NO_EMAIL_TO_CONFIRM = "no_email_to_confirm"
UNCONFIRMED = "unconfirmed"

# Every finding a check can raise, and what it means.
FINDINGS: dict[str, str] = {
    NO_USABLE_CONTACT: "neither a valid email address nor a valid phone number",
    "invalid_email": "the email address is not valid",
    "invalid_phone": "the phone number is not valid",
    "no_mail_domain": "the email's domain cannot receive mail",
    "mail_domain_unknown": "whether the email's domain receives mail could not be looked up",
    "disposable_domain": "a disposable (throwaway) email domain",
    "role_account": "a role address (info@, sales@, noreply@ …), not a person",
    "free_mail": "a free-mail address, not a company domain",
    "email_typo": "the email's domain looks mistyped; a likely fix is suggested",
    "gibberish_name": "the name looks like keyboard mashing",
    "placeholder_name": "a test or placeholder name (Test Test, John Doe, Mickey Mouse …)",
    "contact_in_name": "an email address or phone number typed into a name field",
    "phone_country_mismatch": "the phone number's country differs from the lead's country",
    "domain_mismatch": "the email's domain and the company website differ",
    "invalid_country": "the country is not a known country",
    "invalid_website": "the website is not a web address",
    "unsafe_url": "the page the form was sent from is no http(s) address (javascript:, data: …): "
    "dropped",
    "duplicate": "the same person as an earlier lead",
    "suppressed": "on the do-not-contact list",
    NO_EMAIL_TO_CONFIRM: "the source asks for double opt-in, and no valid email address is "
    "there to confirm",
    UNCONFIRMED: "the email address was not confirmed in time (double opt-in)",
}

# awaiting_confirmation: accepted, held until its email address is confirmed (double
# opt-in); it then becomes verified or needs_review, or rejected when its time runs out.
Outcome = Literal["verified", "needs_review", "rejected", "awaiting_confirmation"]


class VerificationPolicy(BaseModel):
    """Which findings reject and which send to review (configuration ``verification:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reject: frozenset[str] = frozenset({"suppressed"})
    review: frozenset[str] = frozenset(
        {"disposable_domain", "gibberish_name", "placeholder_name", "contact_in_name"}
    )

    @field_validator("reject", "review")
    @classmethod
    def _known(cls, codes: frozenset[str]) -> frozenset[str]:
        unknown = sorted(codes - FINDINGS.keys())
        if unknown:
            raise ValueError(f"unknown findings {unknown}; known: {', '.join(sorted(FINDINGS))}")
        for always in (NO_USABLE_CONTACT, NO_EMAIL_TO_CONFIRM, UNCONFIRMED):
            if always in codes:
                raise ValueError(f"{always} always rejects; it is not configurable")
        if "duplicate" in codes:
            raise ValueError("duplicate only flags: a repeat is linked to its first lead")
        return codes

    @field_validator("review")
    @classmethod
    def _suppressed_rejects(cls, codes: frozenset[str]) -> frozenset[str]:
        if "suppressed" in codes:
            raise ValueError("suppressed always rejects: nothing about such a lead leaves verify")
        return codes

    @model_validator(mode="after")
    def _apart(self) -> VerificationPolicy:
        both = sorted(self.reject & self.review)
        if both:
            raise ValueError(f"findings both reject and send to review: {both}")
        return self

    def decide(self, checks: Sequence[Check], *, usable_contact: bool) -> Decision:
        """The outcome of a lead whose checks are ``checks``."""
        raised = [(code, check) for check in checks for code in check.findings]
        findings = _unique(code for code, _ in raised)
        if not usable_contact:
            findings = (NO_USABLE_CONTACT, *findings)
        rejecting = [_reason(code, check) for code, check in raised if code in self.reject]
        if not usable_contact:
            reasons = (*_no_contact_reasons(checks), *rejecting)
            return Decision("rejected", reasons, (), findings)
        if rejecting:
            return Decision("rejected", tuple(rejecting), (), findings)
        reviewing = tuple(_reason(code, check) for code, check in raised if code in self.review)
        return Decision("needs_review" if reviewing else "verified", (), reviewing, findings)


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]  # why rejected
    review_reasons: tuple[Reason, ...]  # why sent to review
    findings: tuple[str, ...]  # every finding's code, once, in the order raised


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _reason(code: str, check: Check) -> Reason:
    return Reason(code=code, message=check.evidence, field=check.field)


def _no_contact_reasons(checks: Sequence[Check]) -> list[Reason]:
    """Why no contact is usable: each failed email or phone check, else that none was
    given."""
    failed = [
        Reason(
            code=check.findings[0] if check.findings else f"invalid_{check.field}",
            message=check.evidence,
            field=check.field,
        )
        for check in checks
        if not check.passed and check.field in ("email", "phone")
    ]
    return failed or [
        Reason(code="no_contact", message="neither an email address nor a phone number was given")
    ]
