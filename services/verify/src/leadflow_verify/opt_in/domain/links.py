"""Confirmation links, ``{public URL}/v1/confirm/{token}``. A token is 32 random bytes
(``secrets.token_urlsafe``) signed (HMAC-SHA256, itsdangerous) with
``LEADFLOW_CONFIRM_SECRET``. It says nothing about the lead or the address: only the
SHA-256 digest of its random part is stored, in the row of the mail that carries it, and
that row decides what the link confirms and until when. The signature lets a changed or
made-up token be told from one that was issued, without reading the database; the digest
means the database alone (a backup, a read-only role) cannot rebuild a working link.
"""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadData, Signer

SALT = "leadflow.verify.confirm.v2"  # tokens signed for nothing else
PATH = "/v1/confirm/"
RANDOM_BYTES = 32


class InvalidToken(Exception):
    """Not a token this service signed: malformed, cut short or tampered with."""


def digest(random_part: str) -> bytes:
    return hashlib.sha256(random_part.encode("ascii")).digest()


class ConfirmationLinks:
    def __init__(self, secret: str, base_url: str) -> None:
        self._signer = Signer(secret, salt=SALT, digest_method=hashlib.sha256)
        self.base_url = base_url.rstrip("/")

    def issue(self) -> tuple[str, bytes]:
        """A new token, and the digest to store in its place (the token itself is kept
        nowhere but in the mail)."""
        random_part = secrets.token_urlsafe(RANDOM_BYTES)
        return self._signer.sign(random_part).decode("ascii"), digest(random_part)

    def link(self, token: str) -> str:
        """The address a person follows to confirm with ``token``."""
        return f"{self.base_url}{PATH}{token}"

    def digest(self, token: str) -> bytes:
        """The stored digest ``token`` stands for; raises :class:`InvalidToken` unless this
        secret signed it."""
        try:
            random_part = self._signer.unsign(token.encode("ascii")).decode("ascii")
        except (BadData, UnicodeError) as exc:
            raise InvalidToken("the token's signature does not match") from exc
        if not random_part:
            raise InvalidToken("the token is empty")
        return digest(random_part)
