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
