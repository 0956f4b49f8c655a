"""Washing of a lead's details: whitespace, name casing, web addresses, language tags."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOST_LABEL = re.compile(r"^[^\s!\"#$%&'()*+,/:;<=>?@\[\\\]^`{|}~]+$")


def collapse_whitespace(value: str | None) -> str | None:
    """Trim and collapse runs of whitespace to one space; blank text becomes None."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def wash_name(value: str | None) -> str | None:
    """Collapse whitespace; title-case only text typed all-lower or all-upper.

    ``"ANNA"`` and ``"anna"`` become ``"Anna"``; mixed case is left as typed, since
    ``"McDonald"`` or ``"van der Berg"`` carry information no rule could restore.
    """
    text = collapse_whitespace(value)
    if text is None:
        return None
    if text.islower() or text.isupper():
        return text.title()
    return text


def normalise_language(value: str | None) -> str | None:
    """A language tag in lower case with hyphens: ``"EN_us"`` → ``"en-us"``."""
    text = collapse_whitespace(value)
    if text is None:
        return None
    return text.lower().replace("_", "-")


def normalise_website(value: str) -> str | None:
    """An http(s) URL with a scheme and a lower-case host, or None when it is no web address.

    ``"Example.com/about"`` → ``"https://example.com/about"``; user info is dropped.
    """
    text = "".join(value.split())
    if not text:
        return None
    if text.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    labels = host.split(".")
    if scheme not in ("http", "https") or "@" in parts.netloc or len(labels) < 2:
        return None
    if not all(label and _HOST_LABEL.match(label) for label in labels):
        return None
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
