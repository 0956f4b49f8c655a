"""Whether a typed name is keyboard mashing: a few explainable rules, no statistics.

Each rule looks at one word of a name at a time (a Roman numeral after the first word,
"Henry VIII", is a generation and never judged), and only at words written in plain ASCII
Latin letters (apostrophes and hyphens split words). A word with any other letter — an
accent, Cyrillic, Chinese, kana — is never called gibberish: diacritics and other scripts
are a strong sign of a real name, and these rules know nothing about those spellings.

The rules, in the order they are tried (the first that matches gives the reason):

0. ``digits``: the word mixes digits into letters ("Sm1th", "J0hn", "anna2"); an ordinal
   ("3rd", "1er", "2º") is no mix. (A field with six digits or more holds a phone number
   instead, which is its own finding.) This rule alone also judges words that are not
   plain ASCII.

1. ``keyboard``: the word is a run of at least four neighbouring keys on one row of a
   QWERTY, QWERTZ or AZERTY keyboard, either direction ("asdf", "qwerty", "lkjh"); or one
   of a short list of three-key mashes ("asd", "sdf", "qwe"); or contains a run of at least
   five neighbouring keys ("xasdfgy"). Four-key runs inside a longer word are allowed:
   "Doherty" holds "erty".
2. ``repeated_letter``: the same letter three or more times in a row ("jjjj", "aaa").
3. ``repeated_chunk``: the word is one chunk typed twice or more, where the chunk is
   itself a keyboard run or has no vowel ("sdfsdf", "asdasd", "jkjk"). Reduplicated real
   names ("Tingting", "Lili", "Jojo") have vowels and are no keyboard run, so they pass.
4. ``no_vowel``: a word of five or more letters with no vowel, counting y and w as vowels
   ("xkcdjq", "bcdfg"). Welsh "Rhys" and "Llwyd" have y and w; short words ("Ng", "Vlk")
   are too short to judge.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_ROWS: tuple[str, ...] = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",  # German QWERTZ
    "yxcvbnm",
    "azertyuiop",  # French AZERTY
    "qsdfghjklm",
    "wxcvbn",
)
_MASHES_OF_THREE = frozenset(
    {"asd", "sdf", "dfg", "fgh", "ghj", "hjk", "jkl", "qwe", "zxc", "xcv", "cvb", "vbn", "bnm"}
)
_VOWELS = frozenset("aeiouyw")
_ASCII_WORD = re.compile(r"^[a-z]+$")
_DIGIT_AND_LETTER = re.compile(r"^(?=\w*\d)(?=\w*[^\W\d_])\w+$")
# "3rd", "3d", "1er", "2e", "2ème", "3º": a generation or an ordinal, not a mistyped name
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|d|er|re|e|eme|ème|º|ª|o|a)$")
# "III", "VIII" after a name: a generation, not a repeated letter
_ROMAN = re.compile(r"^[ivxlcdm]+$")
_WORD_SPLIT = re.compile(r"[\s'\u2019`\-.,]+")


@dataclass(frozen=True, slots=True)
class Mash:
    """Why one word of a name reads as gibberish."""

    word: str
    rule: str  # digits | keyboard | repeated_letter | repeated_chunk | no_vowel
    explanation: str


def _runs(length: int) -> frozenset[str]:
    runs: set[str] = set()
    for row in _ROWS:
        for line in (row, row[::-1]):
            runs.update(line[i : i + length] for i in range(len(line) - length + 1))
    return frozenset(runs)


_RUNS_OF_FIVE = _runs(5)


def _is_keyboard_run(word: str) -> bool:
    """The whole word walks neighbouring keys of one row (at least four keys)."""
    if len(word) < 4:
        return False
    return any(word in row or word in row[::-1] for row in _ROWS)


def _keyboard(word: str) -> str | None:
    if _is_keyboard_run(word):
        return f"{word!r} walks along one row of the keyboard"
    if word in _MASHES_OF_THREE:
        return f"{word!r} is a common three-key keyboard mash"
    for i in range(len(word) - 4):
        if word[i : i + 5] in _RUNS_OF_FIVE:
            return f"{word!r} contains {word[i : i + 5]!r}, five neighbouring keys in a row"
    return None


def _repeated_letter(word: str) -> str | None:
    found = re.search(r"(.)\1\1", word)
    if found:
        return f"{word!r} repeats the letter {found.group(1)!r} three or more times"
    return None


def _repeated_chunk(word: str) -> str | None:
    for size in range(2, len(word) // 2 + 1):
        if len(word) % size:
            continue
        chunk = word[:size]
        if chunk * (len(word) // size) != word:
            continue
        mashed = chunk in _MASHES_OF_THREE or _is_keyboard_run(chunk)
        if mashed or not (set(chunk) & _VOWELS):
            return f"{word!r} is {chunk!r} typed {len(word) // size} times"
    return None


def _no_vowel(word: str) -> str | None:
    if len(word) >= 5 and not set(word) & _VOWELS:
        return f"{word!r} has {len(word)} letters and no vowel"
    return None


_RULES = (
    ("keyboard", _keyboard),
    ("repeated_letter", _repeated_letter),
    ("repeated_chunk", _repeated_chunk),
    ("no_vowel", _no_vowel),
)


def words(name: str) -> list[str]:
    """The words of a name, split at spaces, hyphens, apostrophes, dots and commas."""
    return [word for word in _WORD_SPLIT.split(name) if word]


@functools.lru_cache(maxsize=4096)  # names repeat: most people share their first name
def find_mash(name: str) -> Mash | None:
    """The first word of a name that reads as keyboard mashing, or None."""
    for position, word in enumerate(words(name)):
        plain = word.lower()
        if position > 0 and _ROMAN.match(plain):
            continue  # "Henry VIII", "John Smith III"
        if _DIGIT_AND_LETTER.match(plain) and not _ORDINAL.match(plain):
            mixed = f"{word!r} mixes digits into letters: a name has no digits"
            return Mash(word=word, rule="digits", explanation=mixed)
        if not _ASCII_WORD.match(plain):
            continue  # accents, other scripts: never judged
        for rule, test in _RULES:
            explanation = test(plain)
            if explanation:
                return Mash(word=word, rule=rule, explanation=explanation)
    return None
