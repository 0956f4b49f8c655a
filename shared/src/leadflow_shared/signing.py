"""HMAC-SHA256 webhook signatures, one scheme both ways: capture verifies the ones sources
send it, router signs the offers it posts to partners.

    X-Leadflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

The signed content is the timestamp, a dot and the body's bytes exactly as sent; the
timestamp bounds how long a captured request could be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Leadflow-Signature"


class SignatureError(Exception):
    pass


def signed_content(body: bytes, timestamp: int) -> bytes:
    """What the HMAC covers: ``<t>.<raw body>``."""
    return f"{timestamp}.".encode() + body


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), signed_content(body, timestamp), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@dataclass(frozen=True)
class VerifiedSignature:
    timestamp: int
    mac: str  # the v1 value that matched

    def digest(self) -> str:
        """What identifies this signature, however its header was spelled (spaces, extra
        keys, several v1 values): a replay with a re-spelled header is still a replay."""
        return hashlib.sha256(f"{self.timestamp}.{self.mac}".encode()).hexdigest()


def verify_signature(
    secret: str, header: str | None, body: bytes, *, now: float, tolerance_s: int
) -> VerifiedSignature:
    """Check the header against the body; raises SignatureError when it does not hold."""
    if not header:
        raise SignatureError("missing X-Leadflow-Signature header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise SignatureError("signature header has no valid t=<unix seconds>") from None
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("signature timestamp is outside the allowed tolerance")
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    for given in parts.get("v1", []):
        if hmac.compare_digest(expected, given.lower()):
            return VerifiedSignature(timestamp, expected)
    raise SignatureError("signature does not match the body")
