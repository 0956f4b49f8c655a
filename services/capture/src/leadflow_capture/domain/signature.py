"""HMAC-SHA256 webhook signatures: ``t=<unix seconds>,v1=<hex HMAC of "<t>.<raw body>">``."""

from __future__ import annotations

import hashlib
import hmac


class SignatureError(Exception):
    pass


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(
    secret: str, header: str | None, body: bytes, *, now: float, tolerance_s: int
) -> int:
    """Check the header against the body; returns its timestamp or raises SignatureError."""
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
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("signature does not match the body")
    return timestamp
