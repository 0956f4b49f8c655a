"""Reading free-text BANT answers (budget, authority, need, timeline) from forms.

Each answer reads as ``positive``, ``negative`` or ``unknown``; a timeline reads as
``soon`` (within three months), ``later``, ``negative`` or ``unknown``. Negative phrases
are looked for first, so "not the decision maker" never counts as a decision maker.
"""

from __future__ import annotations

import re
from typing import Literal

Reading = Literal["positive", "negative", "unknown"]
TimelineReading = Literal["soon", "later", "negative", "unknown"]

_UNKNOWN = re.compile(
    r"^(\?+|-+|n/?a|tbd|tbc|unknown|not sure|unsure|maybe|depends|no idea"
    r"|(i )?do ?n[o']?t know|dunno)$"
)
_NO = r"^(no|nope|none|nothing|nil|not really)\b"

_BUDGET_NEGATIVE = re.compile(
    rf"{_NO}|\bno (budget|money|funds|funding)\b|\bzero\b|^[$€£]?\s*0+([.,]0+)?\s*[$€£]?$"
    r"|\bunfunded\b|\bnot (yet )?(allocated|approved|budgeted)\b|\bfree\b"
)
_AUTHORITY_NEGATIVE = re.compile(
    rf"{_NO}|\bnot (the |a )?(decision|decider|budget holder)|\bstudent\b"
    r"|\bjust (looking|researching|browsing)\b"
)
_AUTHORITY_POSITIVE = re.compile(
    r"^(yes|y|yeah|yep|sure|absolutely|correct|me|myself|i do|i am)\b"
    r"|\bdecision[- ]?maker\b|\bi (decide|sign|approve|own)\b|\bfinal (say|decision)\b"
    r"|\bsign[- ]?off\b|\bbudget (holder|owner)\b"
    r"|\b(ceo|cto|cfo|coo|cio|cmo|founder|co-?founder|owner|president|vp|vice president"
    r"|director|head of|managing director)\b"
)
_NEED_NEGATIVE = re.compile(
    rf"{_NO}|\bno (need|project|plans?)\b|\bjust (looking|browsing|curious|researching)\b"
    r"|\bcurious\b|\bresearch(ing)? only\b"
)
_TIMELINE_NEGATIVE = re.compile(
    rf"{_NO}|\bjust (looking|browsing|curious|researching)\b|\bno (timeline|plans?|project)\b"
    r"|\bnever\b|\bnot planned\b"
)
_TIMELINE_SOON = re.compile(
    r"^(now|asap|today|immediately|urgent(ly)?|right (now|away)|yesterday)\b"
    r"|\b(this|next) (week|month)\b|\bthis quarter\b|\bwithin (days|weeks|a few weeks)\b"
    r"|\bas soon as possible\b"
)
_TIMELINE_LATER = re.compile(
    r"\b(next quarter|this year|next year|end of (the )?year|later|someday|eventually|no rush"
    r"|h[12]|q[1-4])\b"
)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}
_DURATION = re.compile(
    r"(?P<cmp><=?|>=?|less than|under|within|up to|more than|over|after|beyond)?\s*"
    r"\b(?P<low>\d+|a|an|one|two|three|four|six)"
    r"(\s*(-|\u2013|to)\s*(?P<high>\d+))?\s*"
    r"(?P<unit>days?|d|weeks?|wks?|w|months?|mos?|m|quarters?|years?|yrs?|y)\b"
)
_MONTHS_PER_UNIT = {"d": 1 / 30, "w": 7 / 30, "m": 1.0, "q": 3.0, "y": 12.0}
SOON_MONTHS = 3


def _clean(text: str | None) -> str:
    return " ".join((text or "").casefold().split()).strip(" .!,;")


def read_budget(answer: str | None) -> Reading:
    """Any stated budget is positive; "no budget", "none", "0" are negative."""
    text = _clean(answer)
    if not text or _UNKNOWN.match(text):
        return "unknown"
    return "negative" if _BUDGET_NEGATIVE.search(text) else "positive"


def read_authority(answer: str | None) -> Reading:
    """Positive for a decision maker ("yes", "I sign off", "CEO"); other roles are unknown."""
    text = _clean(answer)
    if not text or _UNKNOWN.match(text):
        return "unknown"
    if _AUTHORITY_NEGATIVE.search(text):
        return "negative"
    return "positive" if _AUTHORITY_POSITIVE.search(text) else "unknown"


def read_need(answer: str | None) -> Reading:
    """Any stated need is positive; "just looking", "no need" are negative."""
    text = _clean(answer)
    if not text or _UNKNOWN.match(text):
        return "unknown"
    return "negative" if _NEED_NEGATIVE.search(text) else "positive"


def read_timeline(answer: str | None) -> TimelineReading:
    """``soon`` within three months ("now", "this quarter", "<3 months", "1-3 months")."""
    text = _clean(answer)
    if not text or _UNKNOWN.match(text):
        return "unknown"
    if _TIMELINE_NEGATIVE.search(text):
        return "negative"
    if _TIMELINE_SOON.search(text):
        return "soon"
    duration = _DURATION.search(text)
    if duration is not None:
        bound = duration["high"] or duration["low"]
        amount = int(bound) if bound.isdigit() else _NUMBER_WORDS[bound]
        months = amount * _MONTHS_PER_UNIT[duration["unit"][0]]
        at_least = duration["cmp"] in (">", ">=", "more than", "over", "after", "beyond")
        return "later" if at_least or months > SOON_MONTHS else "soon"
    return "later" if _TIMELINE_LATER.search(text) else "unknown"
