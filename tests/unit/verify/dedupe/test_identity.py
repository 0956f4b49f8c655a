"""Who a lead is: matching keys, how two leads match, and how a batch's repeats link."""

from __future__ import annotations

import uuid

import pytest

from leadflow_verify.dedupe.domain.identity import (
    Identity,
    Known,
    company_key,
    email_key,
    link_repeats,
    match,
    name_block,
    name_key,
)


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("Ana.Lopez@Example.COM", "ana.lopez@example.com"),
        ("ana+promo@example.com", "ana@example.com"),
        ("a.n.a+x@gmail.com", "ana@gmail.com"),
        ("ana@googlemail.com", "ana@gmail.com"),
        ("a.na@outlook.com", "a.na@outlook.com"),  # dots count elsewhere
        ("+x@example.com", "+x@example.com"),  # nothing before the tag: kept whole
        (None, None),
        ("no-at-sign", None),
    ],
)
def test_email_keys(email: str | None, key: str | None) -> None:
    assert email_key(email) == key


def test_name_and_company_keys_ignore_case_accents_order_and_legal_forms() -> None:
    assert name_key("Nguyễn", "Văn An") == name_key("an", "NGUYEN van") == "an nguyen van"
    assert name_key("Øie", None) == "øie"
    assert name_key(None, "  ") is None
    assert company_key("ACME Inc.") == company_key("Acme") == "acme"
    assert company_key("Novo Nordisk A/S") == "novo nordisk"
    assert company_key("GmbH") is None
    for dotted in ("Acme S.A.", "ACME Ltda", "Acme Sp. z o.o.", "Acme Pvt Ltd", "Acme LLP"):
        assert company_key(dotted) == "acme", dotted
    assert company_key("Vingroup JSC") == company_key("VINGROUP") == "vingroup"
    assert company_key("H&M") == "h m"  # single letters stay when they are the whole name
    assert company_key("Studio 5") != company_key("Studio 6")  # digits are part of a name
    assert name_block("john smith", "acme") == "acme|j s"
    assert name_block("john smith", None) is None


def person(
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    company: str | None = None,
) -> Identity:
    return Identity(uuid.uuid4(), email, phone, name, company)


def test_the_strongest_match_is_named_with_its_score() -> None:
    first = person("ana@x.com", "+4520123456", "ana lopez", "acme")
    assert match(person("ana@x.com"), first).on == "email"  # type: ignore[union-attr]
    by_phone = match(person("other@x.com", "+4520123456"), first)
    assert by_phone is not None and (by_phone.on, by_phone.score) == ("phone", 100.0)
    near = match(person(name="anna lopez", company="acme"), first)
    assert near is not None and near.on == "name_company" and 90 <= near.score < 100
    assert match(person(name="anna lopez", company="globex"), first) is None
    assert match(person(name="maria lopez", company="acme"), first) is None


def test_repeats_link_to_the_first_lead_of_the_person_also_within_the_batch() -> None:
    known = person("ana@x.com")
    earlier = Known(known, first_lead_id=(origin := uuid.uuid4()))
    again = person("ana@x.com", "+4520123456")
    via_phone = person(phone="+4520123456")  # matches only the lead before it in the batch
    stranger = person("zoe@x.com")
    links = link_repeats([again, via_phone, stranger], [earlier])
    assert links[again.lead_id].first_lead_id == origin
    assert links[via_phone.lead_id].first_lead_id == origin
    assert links[via_phone.lead_id].match.on == "phone"
    assert stranger.lead_id not in links


def test_a_lead_is_never_its_own_repeat() -> None:
    lead = person("ana@x.com")
    assert link_repeats([lead], [Known(lead, lead.lead_id)]) == {}


def test_a_lead_delivered_again_in_a_batch_neither_hides_its_row_nor_repeats_itself() -> None:
    stored = person("ann@acme.example")
    newcomer = person("ann@acme.example")
    links = link_repeats([newcomer, stored], [Known(stored, stored.lead_id)])
    assert links[newcomer.lead_id].first_lead_id == stored.lead_id
    assert stored.lead_id not in links


def test_a_held_lead_is_linked_but_no_lead_is_linked_to_it() -> None:
    """A lead held for double opt-in may repeat a lead seen before; a lead after it in the
    batch is not its repeat, since nobody downstream may have seen the held one."""
    earlier = person("ana@x.com")
    held = person("ana@x.com", "+4520123456")
    by_phone = person(phone="+4520123456")  # matches only the held lead
    again = person("ana@x.com")
    links = link_repeats(
        [held, by_phone, again], [Known(earlier, earlier.lead_id)], unseen={held.lead_id}
    )
    assert links[held.lead_id].first_lead_id == earlier.lead_id
    assert by_phone.lead_id not in links
    assert links[again.lead_id].first_lead_id == earlier.lead_id
    alone = person("zoe@x.com")
    after = person("zoe@x.com")
    assert link_repeats([alone, after], [], unseen={alone.lead_id}) == {}
