"""Web addresses that may be passed on: an absolute http(s) URL with a host and nothing
that could make a browser read it otherwise (``javascript:``, ``data:``, a relative path,
a user name before the host, a backslash, control, format or line-breaking characters, an
impossible port): no link a rep's tool should open."""

from __future__ import annotations

import functools
import unicodedata
from urllib.parse import urlsplit

# control, format (bidirectional overrides, zero-width), line and paragraph separators
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})


@functools.lru_cache(maxsize=2048)
def web_url(value: str | None) -> str | None:
    """``value`` as given (trimmed) when it is an absolute http(s) URL with a host, else
    None. Remembered for the last addresses asked about: verify asks twice for each lead's
    page (its check, then the lead it passes on), capture for the same pages again."""
    text = (value or "").strip()
    if not text or "\\" in text:
        return None
    if any(c.isspace() or unicodedata.category(c) in _HIDDEN for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return text


def scheme_of(value: str) -> str:
    """What a refused address is, without repeating it: ``javascript:``, ``data:`` …"""
    head = value.strip().split(":", 1)[0]
    if ":" in value and head.isascii() and head.replace("+", "").replace(".", "").isalnum():
        return f"{head.lower()}:"
    return "not an absolute web address"
