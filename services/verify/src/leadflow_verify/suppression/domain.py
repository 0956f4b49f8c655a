"""What the do-not-contact list holds and how a lead is matched against it.

An entry is an email address, a whole email domain, or a phone number; each is kept in the
form leads are matched in (an address as duplicates are found: lower case, no ``+tag``, no
dots at Gmail; a domain in lower case, also covering its subdomains; a phone in E.164), so
a lead matches whatever case, tag or spacing it was typed in.
"""

from __future__ import annotations

from typing import Literal

import phonenumbers

from leadflow_shared.events.v1 import ContactDetails
from leadflow_verify.dedupe.domain.identity import email_key

Kind = Literal["email", "domain", "phone"]
KINDS: tuple[Kind, ...] = ("email", "domain", "phone")


class InvalidEntry(Exception):
    """A value that cannot be an entry of its kind."""


def normalise(kind: Kind, value: str) -> str:
    """The entry as it is stored and matched."""
    text = value.strip()
    if kind == "email":
        local, at, domain = text.lower().rpartition("@")
        key = email_key(text) if at and local and "." in domain else None
        if key is None:
            raise InvalidEntry(f"{value!r} is not an email address")
        return key
    if kind == "domain":
        domain = text.lower().removeprefix("@").rstrip(".")
        if "." not in domain or "@" in domain or " " in domain:
            raise InvalidEntry(f"{value!r} is not a domain such as example.com")
        return domain
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidEntry(f"{value!r} is not a phone number with its country code (+45 …)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def entries_of(contact: ContactDetails) -> list[tuple[Kind, str]]:
    """The entries a lead with these (washed) details would match."""
    found: list[tuple[Kind, str]] = []
    key = email_key(contact.email)
    if key:
        found.append(("email", key))
        labels = key.rpartition("@")[2].split(".")
        found += [("domain", ".".join(labels[i:])) for i in range(len(labels) - 1)]
    if contact.phone:
        found.append(("phone", contact.phone))
    return found
