"""Washing of submitted text: trimmed, control characters removed, length-limited."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"
)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC-normalise, strip control and invisible characters, collapse spaces, trim."""
    text = unicodedata.normalize("NFC", value)
    text = _CONTROL.sub("", text)
    if multiline:
        text = "\n".join(" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = " ".join(text.split())
    return text.strip()


def clean_optional(value: Any, *, multiline: bool = False) -> Any:
    """Clean strings (empty ones become None); leave other values to validation."""
    if isinstance(value, str):
        return clean_text(value, multiline=multiline) or None
    return value


def possible_email(value: str | None) -> str | None:
    """Refuse what cannot be an email address at all, so the visitor can fix it: exactly one
    ``@``, something before it and a domain after it, no spaces. Whether the address is
    deliverable, disposable or mistyped is verify's to find out."""
    if value is None:
        return None
    local, at, domain = value.partition("@")
    if not at:
        raise ValueError("an email address needs an @ between its name and its domain")
    if "@" in domain:
        raise ValueError("an email address has only one @")
    if not local:
        raise ValueError("an email address needs a name before the @")
    if not domain.strip("."):
        raise ValueError("an email address needs a domain after the @")
    if any(c.isspace() for c in value):
        raise ValueError("an email address has no spaces")
    return value


MAX_FREE_FORM_DEPTH = 8


def clean_free_form(value: Any, depth: int = 0) -> Any:
    """Free-form data (a lead's ``custom``) as Postgres can store it: control and invisible
    characters (NUL above all) are stripped from keys and strings, the shape is kept.
    Text that is not valid Unicode, or nesting deeper than a few levels, is refused."""
    if depth > MAX_FREE_FORM_DEPTH:
        raise ValueError(f"nested more than {MAX_FREE_FORM_DEPTH} levels deep")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text") from None
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {
            clean_free_form(str(k), depth): clean_free_form(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_free_form(v, depth + 1) for v in value]
    return value
