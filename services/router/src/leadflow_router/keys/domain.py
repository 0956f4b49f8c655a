"""Keys and callers: making a key, recognising one, and whom a caller may act for.

A key is ``lfk_<id>_<secret>``: the id (16 hex digits) is public and finds the stored key;
the secret is 32 random bytes (URL-safe base64). Only the SHA-256 digest of the whole token
is stored, and a token is compared with it in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal

OwnerKind = Literal["rep", "partner"]
CallerKind = Literal["admin", "rep", "partner"]

PREFIX = "lfk"
_TOKEN = re.compile(rf"^{PREFIX}_([0-9a-f]{{16}})_[A-Za-z0-9_-]{{43}}$")


@dataclass(frozen=True)
class NewKey:
    id: str
    token: str  # shown once, never stored
    digest: bytes


def new_key() -> NewKey:
    key_id = secrets.token_hex(8)
    token = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    return NewKey(key_id, token, digest(token))


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def key_id(token: str) -> str | None:
    """The id of a token shaped like a key (None for anything else)."""
    found = _TOKEN.match(token)
    return found.group(1) if found else None


def matches(token: str, stored: bytes) -> bool:
    """Whether ``token`` is the key whose digest is ``stored`` (in constant time)."""
    return hmac.compare_digest(digest(token), stored)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the admin (acts for everyone), or a rep or partner by their own key."""

    kind: CallerKind
    id: str = ""

    def acts_for(self, kind: str, owner_id: str) -> bool:
        return self.kind == "admin" or (self.kind == kind and self.id == owner_id)

    def __str__(self) -> str:
        return "the admin key" if self.kind == "admin" else f"{self.kind} {self.id}'s key"


ADMIN = Caller("admin")


def not_yours(lead_id: object, caller: Caller) -> str:
    return (
        f"lead {lead_id} is not assigned to {caller.kind} {caller.id}: {caller} acts for them alone"
    )
