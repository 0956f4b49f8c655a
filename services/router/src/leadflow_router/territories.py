"""Territories, languages and segments as reps, partners and routing rules name them:
countries as ISO 3166 alpha-2 codes (or a region of the configuration file, a named set of
countries), languages as ISO 639-1 codes."""

from __future__ import annotations

from collections.abc import Mapping

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"  # rep and partner ids
NAME_PATTERN = r"^[a-z][a-z0-9_-]{2,63}$"  # region and segment names: three letters or more


def countries(values: tuple[str, ...]) -> tuple[str, ...]:
    """Upper-cased alpha-2 codes; anything else is refused."""
    upper = tuple(v.strip().upper() for v in values)
    for code in upper:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"territories are ISO 3166 alpha-2 codes, got {code!r}")
    return upper


def expand(values: object, regions: Mapping[str, tuple[str, ...]]) -> object:
    """``values`` with every region name replaced by its countries, in order and each once
    (left alone when not a list: the model's validation reports it)."""
    if not isinstance(values, list | tuple):
        return values
    out: list[object] = []
    for value in values:
        named = regions.get(value.strip().lower()) if isinstance(value, str) else None
        for item in named if named is not None else (value,):
            if item not in out:
                out.append(item)
    return out


def languages(values: tuple[str, ...]) -> tuple[str, ...]:
    """Lower-case two-letter language codes ("EN" → "en"); anything else is refused."""
    lower = tuple(v.strip().lower() for v in values)
    for code in lower:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"languages are ISO 639-1 codes (en, da, de), got {code!r}")
    return lower


def language_of(tag: str | None) -> str | None:
    """A language tag's language: ``"en-us"`` → ``"en"``; None for none or a malformed one."""
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return primary if len(primary) == 2 and primary.isalpha() else None


def segment_names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in values)
