"""What the do-not-contact list holds and how a lead is matched against it.

An entry is an email address, a whole email domain, or a phone number; each is kept in the
form leads are washed to (an address and a domain in lower case, a phone in E.164), so a
lead matches whatever case or spacing it was typed in.
"""

from __future__ import annotations

from typing import Literal

import phonenumbers

from leadflow_shared.events.v1 import ContactDetails

Kind = Literal["email", "domain", "phone"]
KINDS: tuple[Kind, ...] = ("email", "domain", "phone")


class InvalidEntry(Exception):
    """A value that cannot be an entry of its kind."""


def normalise(kind: Kind, value: str) -> str:
    """The entry as it is stored and matched."""
    text = value.strip()
    if kind == "email":
        local, at, domain = text.lower().rpartition("@")
        if not at or not local or "." not in domain:
            raise InvalidEntry(f"{value!r} is not an email address")
        return f"{local}@{domain}"
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
    if contact.email:
        email = contact.email.lower()
        found += [("email", email), ("domain", email.rpartition("@")[2])]
    if contact.phone:
        found.append(("phone", contact.phone))
    return found
