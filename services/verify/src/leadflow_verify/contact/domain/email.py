"""What an email address tells without asking the network: syntax, and what its parts say.

:func:`examine_email` reads an address once and gives one :class:`Check` per question, each
with evidence a sales manager can read:

- ``email_syntax``: is it an email address at all? (email-validator, no DNS)
- ``email_disposable``: is the domain, or a parent of it, a throwaway inbox service?
  → ``disposable_domain``
- ``email_role``: does the local part name a job, not a person (info@, no-reply@)?
  → ``role_account``
- ``email_free``: is the domain a free mail provider's rather than a company's?
  → ``free_mail``
- ``email_typo``: is the domain a likely slip of a common one (gmial.com)? → ``email_typo``,
  with the corrected address as the check's ``suggestion``

The four questions after the syntax also travel merged (:attr:`EmailExamination.report`):
those that found nothing as one ``email_address`` check.

Only a syntax failure fails (``passed=False``, status "failed"); the other checks run on a
valid address and pass, "flagged" with their finding when they find something, so the
verification policy decides what a finding costs. Nothing here does I/O: whether the
domain receives mail is asked by :mod:`leadflow_verify.contact.dns`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from disposable_email_domains import blocklist as _DISPOSABLE_DOMAINS
from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA, Indel

from leadflow_shared.events.v1 import Check
from leadflow_verify.contact.domain.evidence import merge_quiet
from leadflow_verify.contact.domain.mail_lists import (
    COMMON_DOMAINS,
    FREE_MAIL_DOMAINS,
    ROLE_LOCAL_PARTS,
    TLD_TYPOS,
)

FIELD = "email"
# The questions after the syntax, merged into one check when none of them finds anything.
ADDRESS_CHECK = "email_address"
_ABOUT_ADDRESS = frozenset({"email_disposable", "email_role", "email_free", "email_typo"})


@dataclass(frozen=True, slots=True)
class EmailExamination:
    """One address, examined. ``address``, ``local_part`` and ``domain`` are None when the
    syntax is invalid; ``suggestion`` is the whole address with a likely typo fixed."""

    given: str
    valid: bool
    address: str | None
    local_part: str | None
    domain: str | None  # lower case, as in the address (Unicode for international names)
    ascii_domain: str | None  # the IDNA form, for lookups
    findings: tuple[str, ...]
    suggestion: str | None
    checks: tuple[Check, ...]
    report: tuple[Check, ...]  # the checks as they travel: those that found nothing merged

    @property
    def syntax(self) -> Check:
        """The email_syntax check (always the first)."""
        return self.checks[0]


def examine_email(raw: str) -> EmailExamination:
    """Examine one address as typed: syntax and normal form, then its domain and local part."""
    given = raw.strip()
    try:
        found = validate_email(given, check_deliverability=False)
    except EmailNotValidError as exc:
        evidence = f"{given!r} is not a valid email address: {exc}"
        failed = Check(
            name="email_syntax",
            passed=False,
            status="failed",
            field=FIELD,
            before=raw,
            evidence=evidence,
        )
        return EmailExamination(raw, False, None, None, None, None, (), None, (failed,), (failed,))
    address = found.normalized
    local_part = found.local_part
    domain = found.domain
    ascii_domain = found.ascii_domain
    syntax = f"valid syntax, domain {domain}"
    if address != given:
        syntax += f"; normalised {given!r} to {address!r}"
    disposable, free, fixed_domain = _about_domain(domain, ascii_domain)
    suggestion = f"{local_part}@{fixed_domain}" if fixed_domain else None
    about = (
        disposable,
        _role_answer(local_part),
        free,
        _typo_answer(domain, fixed_domain, suggestion),
    )
    before, after = (raw, address) if address != raw else (None, None)
    syntax_answer = _Answer("email_syntax", None, syntax)
    checks, report = _checks_of((syntax_answer, *about), before, after)
    findings = tuple(answer.finding for answer in about if answer.finding)
    return EmailExamination(
        given=raw,
        valid=True,
        address=address,
        local_part=local_part,
        domain=domain,
        ascii_domain=ascii_domain,
        findings=findings,
        suggestion=suggestion,
        checks=checks,
        report=report,
    )


@functools.lru_cache(maxsize=4096)  # most leads come from a few thousand domains
def _about_domain(domain: str, ascii_domain: str) -> tuple[_Answer, _Answer, str | None]:
    """What the domain is: disposable or not, free-mail or not, and a likely fix of a typo."""
    fixed = suggest_domain(ascii_domain)
    # A misspelling of a common provider (gmial.com) is on some throwaway lists as a trap; the
    # visitor meant the provider, so it is a typo to fix, not a throwaway address.
    disposable = None if fixed else disposable_domain(ascii_domain)
    return (
        _disposable_answer(domain, ascii_domain, disposable),
        _free_answer(domain, ascii_domain, disposable is not None),
        fixed,
    )


@functools.lru_cache(maxsize=4096)  # checks are immutable: one set per domain's answers
def _checks_of(
    answers: tuple[_Answer, ...], before: str | None, after: str | None
) -> tuple[tuple[Check, ...], tuple[Check, ...]]:
    """The answers about an address as checks: one each, and as they travel."""
    checks = tuple(answer.check(before, after) for answer in answers)
    return checks, merge_quiet(ADDRESS_CHECK, FIELD, checks, _ABOUT_ADDRESS)


@dataclass(frozen=True, slots=True)
class _Answer:
    """One question's answer about a valid address: a finding code when it found one."""

    name: str
    finding: str | None
    evidence: str
    suggestion: str | None = None

    def check(self, before: str | None, after: str | None) -> Check:
        return Check(
            name=self.name,
            passed=True,
            status="flagged" if self.finding else "passed",
            field=FIELD,
            before=before,
            after=after,
            evidence=self.evidence,
            findings=(self.finding,) if self.finding else (),
            suggestion=self.suggestion,
        )


def _disposable_answer(domain: str, ascii_domain: str, disposable: str | None) -> _Answer:
    if disposable is None:
        evidence = f"{domain} is not a known throwaway (disposable) email service"
        return _Answer("email_disposable", None, evidence)
    parent = "" if disposable == ascii_domain else f" a subdomain of {disposable},"
    evidence = (
        f"{domain} is{parent} a throwaway (disposable) email service: "
        "the inbox is temporary and usually abandoned soon after sign-up"
    )
    return _Answer("email_disposable", "disposable_domain", evidence)


def _role_answer(local_part: str) -> _Answer:
    role = role_name(local_part)
    if role is None:
        # The address is in the lead: evidence without it reads the same for every person,
        # so one domain's answers are one set of checks.
        evidence = "not a shared role mailbox like info@ or sales@"
        return _Answer("email_role", None, evidence)
    evidence = (
        f"{local_part}@ is a shared role mailbox ({role}), not a named person: "
        "it may reach a team, a front desk or nobody"
    )
    return _Answer("email_role", "role_account", evidence)


def _free_answer(domain: str, ascii_domain: str, disposable: bool) -> _Answer:
    if is_free_mail(ascii_domain):
        evidence = f"{domain} is a free email provider: a private address, not a company's"
        return _Answer("email_free", "free_mail", evidence)
    if disposable:
        evidence = f"{domain} is not a free email provider (but see email_disposable)"
    else:
        evidence = f"{domain} is not a free email provider: likely the company's own domain"
    return _Answer("email_free", None, evidence)


def _typo_answer(domain: str, fixed_domain: str | None, suggestion: str | None) -> _Answer:
    if fixed_domain is None:
        evidence = f"{domain} does not look like a misspelling of a common email domain"
        return _Answer("email_typo", None, evidence)
    evidence = f"{domain} looks like a typo of {fixed_domain}: did they mean {suggestion}?"
    return _Answer("email_typo", "email_typo", evidence, suggestion)


def disposable_domain(domain: str) -> str | None:
    """The listed disposable domain ``domain`` is or belongs to (a parent), else None."""
    labels = domain.lower().rstrip(".").split(".")
    for start in range(len(labels) - 1):  # never a bare top-level domain
        candidate = ".".join(labels[start:])
        if candidate in _DISPOSABLE_DOMAINS:
            return candidate
    return None


def role_name(local_part: str) -> str | None:
    """The role a local part names ("no-reply+x" → "noreply"), else None."""
    base = local_part.lower().split("+", 1)[0]
    compact = base.replace(".", "").replace("-", "").replace("_", "")
    return compact if compact in ROLE_LOCAL_PARTS else None


def is_free_mail(domain: str) -> bool:
    """Whether the domain is a free (consumer) mail provider's."""
    return domain.lower().rstrip(".") in FREE_MAIL_DOMAINS


def suggest_domain(domain: str) -> str | None:
    """A likely intended domain for a mistyped one, or None.

    A well-known domain (free mail, common) is never "corrected". Otherwise the closest
    common domain wins when its name starts with the same letter and is within a small edit
    distance (none for names of four letters or fewer, one up to eight, two beyond;
    transpositions count one) and its suffix is equal, a known misspelling, or one edit away
    (gmail.co); failing that, a top-level domain that exists nowhere is fixed on its own
    (acme.con → acme.com).
    """
    domain = domain.lower().rstrip(".")
    if _well_known(domain) or "." not in domain:
        return None
    name, _, suffix = domain.partition(".")
    head, _, tld = domain.rpartition(".")
    fixed_tld = TLD_TYPOS.get(tld)
    best: tuple[int, int, str] | None = None
    for common in COMMON_DOMAINS:
        common_name, _, common_suffix = common.partition(".")
        if name[:1] != common_name[:1]:
            continue
        suffix_cost = _suffix_cost(suffix, common_suffix, fixed_tld, tld)
        if suffix_cost is None:
            continue
        name_cost = OSA.distance(name, common_name)
        if name_cost > _name_allowance(common_name):
            continue
        cost = name_cost + suffix_cost
        # Ties go to the fewest inserted and deleted letters: gmx.ne is gmx.net, not gmx.de.
        rank = (cost, Indel.distance(domain, common), common)
        if 0 < cost <= 2 and (best is None or rank[:2] < best[:2]):
            best = rank
    if best is not None:
        return best[2]
    if fixed_tld is not None:
        return f"{head}.{fixed_tld}"
    return None


def _well_known(domain: str) -> bool:
    # Not the disposable list: it holds typo traps (gmial.com) whose fix is worth telling.
    return domain in FREE_MAIL_DOMAINS or domain in COMMON_DOMAINS


def _name_allowance(common_name: str) -> int:
    if len(common_name) <= 4:
        return 0
    return 1 if len(common_name) <= 8 else 2


def _suffix_cost(suffix: str, common_suffix: str, fixed_tld: str | None, tld: str) -> int | None:
    """0 for the same suffix, 1 for a likely slip of it, None otherwise."""
    if suffix == common_suffix:
        return 0
    if fixed_tld is not None and suffix[: -len(tld)] + fixed_tld == common_suffix:
        return 1
    if OSA.distance(suffix, common_suffix) == 1:
        return 1
    return None
