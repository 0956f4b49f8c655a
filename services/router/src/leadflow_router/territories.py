"""Territories: the countries a rep or partner covers, as ISO 3166 alpha-2 codes."""

from __future__ import annotations

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"  # rep and partner ids


def countries(values: tuple[str, ...]) -> tuple[str, ...]:
    """Upper-cased alpha-2 codes; anything else is refused."""
    upper = tuple(v.strip().upper() for v in values)
    for code in upper:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"territories are ISO 3166 alpha-2 codes, got {code!r}")
    return upper
