"""Country parsing: ISO 3166-1 alpha-2, alpha-3, an English name or the name in one of
the languages forms are commonly filled in ("Deutschland", "España", "日本") → alpha-2.

The names in other languages are the ISO 3166 translations that ship with pycountry.
Matching is exact after folding case, accents, dots and a leading "the"; there is no
fuzzy matching, so a typo is reported rather than guessed at.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache

import pycountry

# Everyday names that ISO 3166 spells differently (or not at all).
_ALIASES: dict[str, str] = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "america": "US",
    "united states of america": "US",
    "russia": "RU",
    "turkey": "TR",
    "holland": "NL",
    "ivory coast": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
    "macedonia": "MK",
    "burma": "MM",
    "vatican": "VA",
    "vatican city": "VA",
    "palestine": "PS",
    "brunei": "BN",
    "micronesia": "FM",
    "uae": "AE",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
}


# Languages whose names of countries are understood besides English; English names win a
# clash, then the languages in this order.
_LANGUAGES = (
    "de", "fr", "es", "it", "pt", "pt_BR", "nl", "sv", "da", "nb_NO", "nn", "fi", "is",
    "pl", "cs", "sk", "hu", "ro", "hr", "sl", "sr@latin", "bg", "el", "et", "lv", "lt",
    "ga", "ca", "tr", "ru", "uk", "ar", "he", "hi", "id", "ms", "vi", "th", "ja", "ko",
    "zh_CN", "zh_TW",
)  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = plain.casefold().replace(".", "").split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(_fold(value), country.alpha_2)
    for alias, code in _ALIASES.items():
        index.setdefault(alias, code)
    for language in _LANGUAGES:
        names = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        for country in pycountry.countries:
            for attribute in ("name", "common_name"):
                value = getattr(country, attribute, None)
                translated = names.gettext(value) if value else None
                key = _fold(translated) if translated and translated != value else ""
                # short Latin names ("Man", "Tai", Vietnamese "Ý") are more often junk typed
                # into the field than a country named in another language
                if len(key) >= 4 or (key and not key.isascii()):
                    index.setdefault(key, country.alpha_2)
    return index


def load_names() -> None:
    """Read every country's names now (about 0.2 s, the translations included), so that
    the first lead does not wait for them."""
    _index()


def parse_country(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a code or name, or None when it names no country."""
    key = _fold(value)
    return _index().get(key) if key else None


def country_name(alpha_2: str) -> str:
    """The common (or ISO short) English name of a country code."""
    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        return alpha_2
    return str(getattr(country, "common_name", None) or country.name)
