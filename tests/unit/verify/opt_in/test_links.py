"""Confirmation links: a random token, signed, that says nothing about its lead; stored only
as a digest; refused when changed, cut short or signed with another key."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
from itsdangerous import Signer

from leadflow_verify.opt_in.domain.links import SALT, ConfirmationLinks, InvalidToken

SECRET = "unit-test-confirm-secret-0123456789abcdef"
LINKS = ConfirmationLinks(SECRET, "https://leads.example.com/")


def test_a_link_carries_a_token_that_reads_back_as_its_stored_digest() -> None:
    token, stored = LINKS.issue()
    link = LINKS.link(token)
    assert link == f"https://leads.example.com/v1/confirm/{token}"
    assert LINKS.digest(link.rpartition("/")[2]) == stored
    random_part = token.rpartition(".")[0]
    assert stored == hashlib.sha256(random_part.encode()).digest()  # the digest, not the token
    assert token.encode() != stored and random_part.encode() not in stored


def test_tokens_are_random_url_safe_and_name_no_lead() -> None:
    tokens = [LINKS.issue()[0] for _ in range(50)]
    assert len(set(tokens)) == 50
    for token in tokens:
        assert 60 < len(token) < 120
        assert all(c.isalnum() or c in "-_." for c in token)
        random_part = token.rpartition(".")[0]
        decoded = base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))
        assert len(decoded) == 32  # 32 random bytes: nothing else to read in it


def test_nothing_the_issuer_knows_about_a_lead_goes_into_its_token() -> None:
    lead = uuid.uuid4()
    token, _ = LINKS.issue()
    for form in (lead.hex, str(lead), base64.urlsafe_b64encode(lead.bytes).decode().rstrip("=")):
        assert form not in token


@pytest.mark.parametrize("where", [0, 10, 40, -5])
def test_a_changed_character_anywhere_makes_the_token_invalid(where: int) -> None:
    token = list(LINKS.issue()[0])
    token[where] = "A" if token[where] != "A" else "B"
    with pytest.raises(InvalidToken):
        LINKS.digest("".join(token))


def test_another_random_part_cannot_be_given_a_real_signature() -> None:
    token, _ = LINKS.issue()
    random_part, _, signature = token.rpartition(".")
    other = LINKS.issue()[0].rpartition(".")[0]
    with pytest.raises(InvalidToken):
        LINKS.digest(f"{other}.{signature}")
    with pytest.raises(InvalidToken):
        LINKS.digest(random_part)  # cut short: no signature


def test_a_token_signed_with_another_secret_or_for_another_purpose_is_refused() -> None:
    other = ConfirmationLinks("another-secret-entirely-0123456789abcdef", "http://x")
    with pytest.raises(InvalidToken):
        LINKS.digest(other.issue()[0])
    unsalted = Signer(SECRET, digest_method=hashlib.sha256).sign("x" * 43).decode()
    with pytest.raises(InvalidToken):
        LINKS.digest(unsalted)
    assert LINKS.digest(Signer(SECRET, salt=SALT, digest_method=hashlib.sha256).sign("x").decode())


@pytest.mark.parametrize("garbage", ["", ".", "abc", "a" * 500, "é.ü"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidToken):
        LINKS.digest(garbage)
