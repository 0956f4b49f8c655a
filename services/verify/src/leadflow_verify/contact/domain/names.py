"""A lead's name examined: washed, split when typed whole into one field, and flagged when
it reads as keyboard mashing, a placeholder ("Test", "John Doe") or contact details.

Flags are findings, not failures: every name check passes (``passed`` is True) with status
``"flagged"`` or ``"passed"``, and the verification policy decides what a finding costs.
How gibberish is decided, and how well, is written down in services/verify/NAMES.md.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from nameparser import HumanName

from leadflow_shared.events.v1 import Check
from leadflow_verify.contact.domain.evidence import merge_quiet
from leadflow_verify.contact.domain.gibberish import find_mash, words

GIBBERISH_NAME = "gibberish_name"
PLACEHOLDER_NAME = "placeholder_name"
CONTACT_IN_NAME = "contact_in_name"
# The questions asked of every name, merged into one check "name" when none finds anything.
_JUDGED = frozenset({"name_contact_in_name", "name_gibberish", "name_placeholder"})

# Lower-case when they stand before another word of a family name: "van der Berg".
_PARTICLES = frozenset(
    {
        "van", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos", "du",
        "la", "le", "les", "lo", "von", "zu", "ten", "ter", "af", "al", "bin", "ibn", "y",
    }
)  # fmt: skip
# Articles that begin a family name keep their capital ("Le Pen", "La Russa"); after
# another particle they are lower case ("de la Cruz").
_ARTICLES = frozenset({"le", "la", "les", "lo"})
# A whole field that names nobody (compared folded: lower case, no accents).
_PLACEHOLDER_VALUES = frozenset(
    {
        "test", "tester", "testing", "testname", "test name", "testuser", "test user",
        "n/a", "n.a.", "none", "null", "undefined", "unknown", "unbekannt", "xx", "xxx",
        "abc", "abcd", "dummy", "sample", "example", "anonymous", "anon", "nobody",
        "noname", "no name", "name", "first name", "firstname", "last name", "lastname",
        "surname", "fake", "lorem ipsum",
    }
)  # fmt: skip
# A word that makes any name a test entry: "Anna Test".
_PLACEHOLDER_WORDS = frozenset({"test", "testing", "tester", "dummy", "lorem", "ipsum"})
# Whole names used as examples in forms, films and handbooks.
_PLACEHOLDER_NAMES = frozenset(
    {
        "john doe", "jane doe", "john q public", "joe public", "joe bloggs", "richard roe",
        "mickey mouse", "minnie mouse", "donald duck", "max mustermann", "erika mustermann",
        "ola nordmann", "kari nordmann", "matti meikalainen", "fulano de tal",
        "foo bar", "asd asd", "test test", "john appleseed", "first last", "first name last name",
    }
)  # fmt: skip
_EMAIL = re.compile(r"\S*@\S*")
_WEB = re.compile(r"(https?://|www\.)\S*|\w{2,}\.(com|net|org|io)\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*\.?$")
_PHONE_DIGITS = 6  # this many digits in a name field is a phone number, not a name


@dataclass(frozen=True, slots=True)
class NameExamination:
    """What examining a name found: the washed parts, whether one field was split in two,
    and one check per question asked (each passed or flagged, with evidence)."""

    first: str | None
    last: str | None
    split: bool
    checks: tuple[Check, ...]

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding code raised, in check order, without repeats."""
        return tuple(dict.fromkeys(code for check in self.checks for code in check.findings))

    @property
    def report(self) -> tuple[Check, ...]:
        """The checks as they travel: the questions that found nothing as one ``name``."""
        return merge_quiet("name", "name", self.checks, _JUDGED)

    @property
    def flagged(self) -> bool:
        return any(check.status == "flagged" for check in self.checks)


def examine_name(
    first: str | None, last: str | None, *, email: str | None = None
) -> NameExamination:
    """Wash, split and judge a lead's first and last name. ``email``, when given, is the
    lead's address: a name field holding that very address is named in the evidence."""
    given_first, given_last = _given(first), _given(last)
    checks: list[Check] = []
    split = False
    washed_first = wash_person_name(without_titles(given_first), family=False)
    washed_last = wash_person_name(given_last, family=True)
    washed = {"first_name": washed_first, "last_name": washed_last}  # each field as typed

    whole, field = (given_first, "first_name") if given_last is None else (given_last, "last_name")
    if (given_first is None) != (given_last is None) and whole and _contact(whole) is None:
        parts = split_full_name(whole, typed_in=field)
        if parts is not None:
            split = True
            washed_first, washed_last = parts
            evidence = (
                f"the whole name {whole!r} was typed into the {field.replace('_', ' ')} field; "
                f"split into first name {washed_first!r} and last name {washed_last!r}"
            )
            checks.append(
                Check(
                    name="name_split", passed=True, status="passed", field=field, before=whole,
                    after=f"{washed_first} {washed_last}", evidence=evidence,
                )
            )  # fmt: skip

    for field_name, given in (("first_name", given_first), ("last_name", given_last)):
        if given is None:
            continue
        after = washed[field_name]
        # The lead's email matters only to a name field holding an address; leaving it out
        # otherwise lets the check of a name seen before be found again.
        contact = _contact_check(field_name, given, after, email if "@" in given else None)
        checks.append(contact)
        if contact.status == "passed":
            checks.append(_gibberish_check(field_name, given, after))

    if given_first is not None or given_last is not None:
        checks.append(_placeholder_check(given_first, given_last, washed_first, washed_last))
    return NameExamination(first=washed_first, last=washed_last, split=split, checks=tuple(checks))


# --- washing --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # names repeat: most people share their first name
def wash_person_name(value: str | None, *, family: bool) -> str | None:
    """Whitespace collapsed and careless casing mended, sensible casing kept.

    All-lower or all-upper text is cased word by word ("jOHN  SMITH" → "John Smith",
    "mcdonald" → "McDonald", "o'brien" → "O'Brien"); in mixed text only words typed all
    upper, all lower or with a lower-case first letter followed by capitals are mended, so
    "McDonald", "DeVito" and "van der Berg" stay as typed (a particle typed in lower case
    before another word stays so in either field). In a family name, particles before
    another word are lower case ("VAN DER BERG" → "van der Berg"), but an article that
    begins it keeps its capital ("LE PEN" → "Le Pen"). Scripts without case ("王",
    "さくら") are left alone.
    """
    if value is None:
        return None
    tokens = value.split()
    if not tokens:
        return None
    cased = [ch for ch in value if ch.isupper() or ch.islower()]
    all_one_case = all(ch.isupper() for ch in cased) or all(ch.islower() for ch in cased)
    if _contact(value) is not None:
        return " ".join(tokens)  # contact details are not a name to case
    washed: list[str] = []
    for i, token in enumerate(tokens):
        if not _NAME_WORD.match(token):
            washed.append(token)  # "N/A", "J.R.R.": typed with care or not a name at all
            continue
        is_particle = i < len(tokens) - 1 and token.lower() in _PARTICLES
        if is_particle and family and i == 0 and token.lower() in _ARTICLES:
            is_particle = token.islower() and not all_one_case  # "LE PEN" → "Le Pen"
        if is_particle and (token.islower() or (family and all_one_case)):
            washed.append(token.lower())
        elif all_one_case or _careless(token):
            washed.append(_case_word(token))
        else:
            washed.append(token)
    return " ".join(washed)


def _careless(token: str) -> bool:
    letters = [ch for ch in token if ch.isupper() or ch.islower()]
    if len(letters) < 2:
        return bool(letters) and letters[0].islower()
    if all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters):
        return True
    return letters[0].islower()  # "jOHN", "mcDonald"


def _case_word(token: str) -> str:
    """One word cased: each hyphen part capitalised, "Mc" and one-letter "O'" prefixes kept."""
    return "-".join(_case_part(part) for part in token.split("-"))


def _case_part(part: str) -> str:
    lower = part.lower()
    pieces = re.split(r"(['\u2019])", lower)
    if len(pieces) == 3 and len(pieces[0]) == 1:  # o'brien, d'angelo
        return pieces[0].upper() + pieces[1] + pieces[2][:1].upper() + pieces[2][1:]
    cased = lower[:1].upper() + lower[1:]
    if lower.startswith("mc") and len(lower) > 3:
        cased = "Mc" + lower[2].upper() + lower[3:]
    return cased


# Honorifics typed before a first name ("Dr. John"), compared folded without the dot.
_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle",
        "sra", "srta",
    }
)  # fmt: skip


def without_titles(first: str | None) -> str | None:
    """A first name without the honorifics typed before it ("Prof. Dr. Hans" → "Hans");
    a title that is all the field holds stays (it is a placeholder, judged as such)."""
    if first is None:
        return None
    tokens = first.split()
    while len(tokens) > 1 and tokens[0].rstrip(".").casefold() in _TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def split_full_name(whole: str, *, typed_in: str) -> tuple[str, str] | None:
    """A full name typed into one field, as (first, last), or None when it is one name.

    nameparser reads the parts (titles such as "Dr." are dropped, "Smith, John" is read
    last-first); a last-name field starting with a particle ("van der Berg") is not split.
    """
    tokens = whole.split()
    if len(tokens) < 2:
        return None
    if typed_in == "last_name" and tokens[0].lower() in _PARTICLES:
        return None
    parsed = HumanName(" ".join(tokens))
    given = " ".join(part for part in (parsed.first, parsed.middle) if part)
    family = " ".join(part for part in (parsed.last, parsed.suffix) if part)
    if not given or not family:
        return None
    first = wash_person_name(given, family=False)
    last = wash_person_name(family, family=True)
    if first is None or last is None:
        return None
    return first, last


# --- checks ---------------------------------------------------------------------------


def _contact(text: str) -> str | None:
    """What kind of contact detail a name field holds, if any."""
    if _EMAIL.search(text):
        return "an email address"
    if _WEB.search(text):
        return "a web address"
    if sum(map(str.isdigit, text)) >= _PHONE_DIGITS:
        return "a phone number"
    return None


@functools.lru_cache(maxsize=2048)  # checks are immutable: a name seen before is not judged again
def _contact_check(field: str, given: str, after: str | None, email: str | None) -> Check:
    label = field.replace("_", " ")
    kind = _contact(given)
    if kind is None:
        evidence = f"the {label} {given!r} holds no email address, web address or phone number"
        return Check(
            name="name_contact_in_name", passed=True, status="passed", field=field,
            before=given, after=after, evidence=evidence,
        )  # fmt: skip
    evidence = f"the {label} field holds {kind} ({given!r}) instead of a name"
    if email and given.strip().casefold() == email.strip().casefold():
        evidence += ": the same address as the lead's email"
    destination = {"an email address": "email", "a phone number": "phone"}.get(kind, "website")
    return Check(
        name="name_contact_in_name", passed=True, status="flagged", field=field, before=given,
        after=after, evidence=evidence, findings=(CONTACT_IN_NAME,),
        suggestion=f"move {given!r} to the {destination} field",
    )  # fmt: skip


@functools.lru_cache(maxsize=2048)  # checks are immutable: a name seen before is not judged again
def _gibberish_check(field: str, given: str, after: str | None) -> Check:
    label = field.replace("_", " ")
    mash = find_mash(given)
    if mash is None:
        evidence = f"the {label} {given!r} shows no sign of keyboard mashing"
        return Check(
            name="name_gibberish", passed=True, status="passed", field=field, before=given,
            after=after, evidence=evidence,
        )  # fmt: skip
    what = "does not read as a name" if mash.rule == "digits" else "looks like keyboard mashing"
    evidence = f"the {label} {given!r} {what}: {mash.explanation}"
    return Check(
        name="name_gibberish", passed=True, status="flagged", field=field, before=given,
        after=after, evidence=evidence, findings=(GIBBERISH_NAME,),
    )  # fmt: skip


@functools.lru_cache(maxsize=2048)  # checks are immutable: a name seen before is not judged again
def _placeholder_check(
    given_first: str | None, given_last: str | None, first: str | None, last: str | None
) -> Check:
    before = " ".join(part for part in (given_first, given_last) if part)
    after = " ".join(part for part in (first, last) if part) or None
    reason = _placeholder_reason(given_first, given_last)
    if reason is None:
        evidence = f"{before!r} is not a known test or placeholder name"
        return Check(
            name="name_placeholder", passed=True, status="passed", field="name", before=before,
            after=after, evidence=evidence,
        )  # fmt: skip
    return Check(
        name="name_placeholder", passed=True, status="flagged", field="name", before=before,
        after=after, evidence=reason, findings=(PLACEHOLDER_NAME,),
    )  # fmt: skip


def _placeholder_reason(first: str | None, last: str | None) -> str | None:
    whole = " ".join(part for part in (first, last) if part)
    folded_whole = _fold(whole)
    if folded_whole in _PLACEHOLDER_NAMES:
        return f"{whole!r} is a well-known placeholder name, not a real person"
    # A single letter of a script with case is an initial; one Chinese character is a name.
    letters = words(whole)
    if letters and all(len(w) == 1 and w.lower() != w.upper() for w in letters):
        what = "an initial" if len(letters) == 1 else "initials"
        return f"{whole!r} is {what} only: it names nobody"
    for label, value in (("first name", first), ("last name", last)):
        if value is None or _contact(value) is not None:
            continue  # contact details in a name field are their own finding
        if not any(ch.isalpha() for ch in value):
            return f"the {label} {value!r} has no letters: nothing was typed as a name"
        if _fold(value) in _PLACEHOLDER_VALUES:
            return f"the {label} {value!r} is a placeholder, not a name"
    test_words = [word for word in words(whole) if _fold(word) in _PLACEHOLDER_WORDS]
    if test_words:
        return f"{whole!r} contains {test_words[0]!r}: a test entry, not a real person"
    return None


def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _given(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None
