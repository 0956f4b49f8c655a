"""A company's size as forms give it: score's fit rules and router's segments read it alike."""

from __future__ import annotations

import math
import re

_EMPLOYEES = re.compile(r"(\d+(?:[.,]\d+)?)\s*(k)?\+?")
_BELOW = re.compile(r"^(<|under|less than|fewer than|below)")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)")


def employees_of(given: object) -> int | None:
    """Employees from a form's answer: 250, "250", "50-200" (the lower bound: at least
    50), "1,000+", "10k", "<50" or "under 50" (49); ``None`` when it names no number."""
    if isinstance(given, bool):
        return None
    if isinstance(given, int | float):
        return int(given) if math.isfinite(given) and given >= 0 else None
    if not isinstance(given, str):
        return None
    text = " ".join(given.casefold().split())
    # thousands separators go ("1,000", "2.500", "10 000"); another comma is a decimal one
    compact = _THOUSANDS.sub(lambda m: m[0].replace(",", "").replace(".", ""), text)
    found = _EMPLOYEES.search(compact.replace(" ", ""))
    if found is None:
        return None
    number = int(float(found[1].replace(",", ".")) * (1000 if found[2] else 1))
    return max(0, number - 1) if _BELOW.match(text) else number
