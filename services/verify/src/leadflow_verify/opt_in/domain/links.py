"""Confirmation links, ``{public URL}/v1/confirm/{token}``. A token is a lead id and a
deadline, signed (HMAC-SHA256, itsdangerous) with ``LEADFLOW_CONFIRM_SECRET``: anyone may
read what it says, nobody without the secret can make one, or change the lead or the
deadline in one, unnoticed."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadData, URLSafeSerializer

SALT = "leadflow.verify.confirm"  # tokens signed for nothing else
PATH = "/v1/confirm/"


class InvalidToken(Exception):
    """Not a token this service signed: malformed, cut short or tampered with."""


@dataclass(frozen=True)
class Signed:
    """What a valid token says."""

    lead_id: uuid.UUID
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class ConfirmationLinks:
    def __init__(self, secret: str, base_url: str) -> None:
        self._serializer = URLSafeSerializer(
            secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )
        self.base_url = base_url.rstrip("/")

    def link(self, lead_id: uuid.UUID, expires_at: datetime) -> str:
        """The address a person follows to confirm ``lead_id`` until ``expires_at``."""
        return f"{self.base_url}{PATH}{self.token(lead_id, expires_at)}"

    def token(self, lead_id: uuid.UUID, expires_at: datetime) -> str:
        """A token for ``lead_id``, good until ``expires_at`` (to the second)."""
        return str(self._serializer.dumps([lead_id.hex, int(expires_at.timestamp())]))

    def read(self, token: str) -> Signed:
        """What ``token`` says; raises :class:`InvalidToken` unless this secret signed it."""
        try:
            payload = self._serializer.loads(token)
        except BadData as exc:
            raise InvalidToken("the token's signature does not match") from exc
        try:
            lead, deadline = payload
            return Signed(uuid.UUID(hex=lead), datetime.fromtimestamp(deadline, UTC))
        except (TypeError, ValueError, OverflowError) as exc:  # signed, but not by token()
            raise InvalidToken("the token does not name a lead and a deadline") from exc
