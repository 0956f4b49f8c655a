"""Entries of the do-not-contact list, as stored and matched."""

from __future__ import annotations

import pytest

from leadflow_shared.events.v1 import ContactDetails
from leadflow_verify.suppression.domain import InvalidEntry, Kind, entries_of, normalise


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("email", " Ann.Lee@Example.COM ", "ann.lee@example.com"),
        ("domain", "@Example.com.", "example.com"),
        ("phone", "+45 20 12 34 56", "+4520123456"),
        ("phone", "+1 (415) 555-2671", "+14155552671"),
    ],
)
def test_entries_are_kept_as_leads_are_washed(kind: Kind, value: str, stored: str) -> None:
    assert normalise(kind, value) == stored


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "ann.example.com"),
        ("domain", "localhost"),
        ("phone", "20 12 34 56"),
        ("phone", "+999"),
    ],
)
def test_what_cannot_be_an_entry_is_refused(kind: Kind, value: str) -> None:
    with pytest.raises(InvalidEntry):
        normalise(kind, value)


def test_a_lead_matches_its_address_its_domain_and_its_phone() -> None:
    contact = ContactDetails(email="Ann.Lee@example.com", phone="+4520123456")
    assert entries_of(contact) == [
        ("email", "ann.lee@example.com"),
        ("domain", "example.com"),
        ("phone", "+4520123456"),
    ]
    assert entries_of(ContactDetails()) == []


def test_tags_gmail_dots_and_subdomains_do_not_escape_the_list() -> None:
    assert normalise("email", "Ann@Gmail.com") == "ann@gmail.com"
    tagged = entries_of(ContactDetails(email="a.nn+promo@gmail.com"))
    assert ("email", "ann@gmail.com") in tagged
    sub = entries_of(ContactDetails(email="bob@uk.acme.com"))
    assert ("domain", "uk.acme.com") in sub and ("domain", "acme.com") in sub
    assert ("domain", "com") not in sub
