"""Confirmation links: signed, expiring, and refused when changed, cut short or signed with
another key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest
from itsdangerous import URLSafeSerializer

from leadflow_verify.opt_in.domain.links import SALT, ConfirmationLinks, InvalidToken

SECRET = "unit-test-confirm-secret-0123456789abcdef"
LINKS = ConfirmationLinks(SECRET, "https://leads.example.com/")
DEADLINE = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)


def test_a_link_names_its_lead_and_deadline_and_reads_back() -> None:
    lead = uuid.uuid4()
    link = LINKS.link(lead, DEADLINE)
    assert link.startswith("https://leads.example.com/v1/confirm/")
    token = link.rpartition("/")[2]
    signed = LINKS.read(token)
    assert signed.lead_id == lead and signed.expires_at == DEADLINE
    assert not signed.expired(DEADLINE - timedelta(seconds=1))
    assert signed.expired(DEADLINE)


def test_a_token_is_url_safe_and_short() -> None:
    token = LINKS.token(uuid.uuid4(), DEADLINE)
    assert len(token) < 120
    assert all(c.isalnum() or c in "-_." for c in token)


@pytest.mark.parametrize("where", [0, 10, 40, -5])
def test_a_changed_character_anywhere_makes_the_token_invalid(where: int) -> None:
    token = list(LINKS.token(uuid.uuid4(), DEADLINE))
    token[where] = "A" if token[where] != "A" else "B"
    with pytest.raises(InvalidToken):
        LINKS.read("".join(token))


def test_another_lead_or_a_later_deadline_cannot_be_swapped_in() -> None:
    token = LINKS.token(uuid.uuid4(), DEADLINE)
    payload, _, signature = token.rpartition(".")
    forged = LINKS.token(uuid.uuid4(), DEADLINE + timedelta(days=30)).rpartition(".")[0]
    with pytest.raises(InvalidToken):
        LINKS.read(f"{forged}.{signature}")
    with pytest.raises(InvalidToken):
        LINKS.read(payload)  # cut short: no signature


def test_a_token_signed_with_another_secret_or_for_another_purpose_is_refused() -> None:
    other = ConfirmationLinks("another-secret-entirely-0123456789abcdef", "http://x")
    with pytest.raises(InvalidToken):
        LINKS.read(other.token(uuid.uuid4(), DEADLINE))
    unsalted = URLSafeSerializer(SECRET).dumps([uuid.uuid4().hex, 1])
    with pytest.raises(InvalidToken):
        LINKS.read(str(unsalted))


@pytest.mark.parametrize("payload", [{"lead": "x"}, ["not-hex", 1], [uuid.uuid4().hex], 7])
def test_a_validly_signed_token_that_says_something_else_is_refused(payload: object) -> None:
    same_key = URLSafeSerializer(SECRET, salt=SALT, signer_kwargs={"digest_method": sha256})
    with pytest.raises(InvalidToken):
        LINKS.read(str(same_key.dumps(payload)))


@pytest.mark.parametrize("garbage", ["", ".", "abc", "a" * 500, "é.ü"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidToken):
        LINKS.read(garbage)
