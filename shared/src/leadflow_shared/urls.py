"""Web addresses that may be passed on: an absolute http(s) URL with a host, nothing else
(``javascript:``, ``data:``, a relative path or a URL with control characters is no link a
rep's tool should open)."""

from __future__ import annotations

from urllib.parse import urlsplit


def web_url(value: str | None) -> str | None:
    """``value`` as given (trimmed) when it is an absolute http(s) URL with a host, else
    None."""
    text = (value or "").strip()
    if not text or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text
