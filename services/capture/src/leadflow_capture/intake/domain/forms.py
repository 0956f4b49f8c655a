"""HTML form posts as leads (CONTRACT.md, ``POST /v1/forms/{source_id}``).

A form uses the field names of the JSON body; nested ones are flattened with an underscore
(``utm_source``, ``cta_type``, ``consent_marketing``, ``bant_need``, …) and ``custom_<name>``
becomes ``custom[name]``. Fields that are not part of a lead (submit buttons, a CMS's
tokens, a ``redirect`` a visitor slipped in) are ignored, never used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

FLAT_FIELDS = frozenset(
    {
        "email",
        "phone",
        "first_name",
        "last_name",
        "company",
        "job_title",
        "website",
        "country",
        "city",
        "message",
        "language",
    }
)
GROUPS: Mapping[str, tuple[str, ...]] = {
    "utm": ("source", "medium", "campaign", "term", "content"),
    "cta": ("type", "page_url"),
    "consent": ("marketing", "text"),
    "bant": ("budget", "authority", "need", "timeline"),
}
NESTED_FIELDS: Mapping[str, tuple[str, str]] = {
    f"{group}_{name}": (group, name) for group, names in GROUPS.items() for name in names
}
CUSTOM_PREFIX = "custom_"

# A checkbox sends its value ("on" unless the page sets one) only when it is ticked.
CHECKED = frozenset({"on", "true", "yes", "1"})
UNCHECKED = frozenset({"", "off", "false", "no", "0"})


def is_lead_field(name: str) -> bool:
    """Whether a form field of this name carries part of the lead."""
    return name in FLAT_FIELDS or name in NESTED_FIELDS or name.startswith(CUSTOM_PREFIX)


@dataclass(frozen=True)
class FormPost:
    payload: dict[str, Any]  # the lead as ``POST /v1/leads`` takes it
    honeypot: bool  # the field hidden from humans was filled in: a bot
    ignored: tuple[str, ...]  # names of fields that are not part of a lead


def _checkbox(value: str) -> bool | str:
    flag = value.strip().lower()
    if flag in CHECKED:
        return True
    if flag in UNCHECKED:
        return False
    return value  # left to validation, which names the field


def read_form(fields: Iterable[tuple[str, str]], honeypot_field: str) -> FormPost:
    """The lead a form post carries.

    Empty fields count as absent. When a name repeats, the last non-empty value wins (a
    hidden "0" before a checkbox is a common pattern), except for ``custom_<name>``, where
    repeated values (a group of checkboxes) are kept as a list.
    """
    payload: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    custom: dict[str, list[str]] = {}
    ignored: list[str] = []
    honeypot = False
    for name, value in fields:
        if name == honeypot_field:
            honeypot = honeypot or bool(value.strip())
        elif name in FLAT_FIELDS:
            if value:
                payload[name] = value
        elif name in NESTED_FIELDS:
            group, key = NESTED_FIELDS[name]
            if name == "consent_marketing":
                nested.setdefault(group, {})[key] = _checkbox(value)
            elif value:
                nested.setdefault(group, {})[key] = value
        elif name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX):
            if value:
                custom.setdefault(name[len(CUSTOM_PREFIX) :], []).append(value)
        elif name not in ignored:
            ignored.append(name)
    payload.update(nested)
    if custom:
        payload["custom"] = {k: v[0] if len(v) == 1 else v for k, v in custom.items()}
    return FormPost(payload=payload, honeypot=honeypot, ignored=tuple(ignored))


def form_field(field: str | None) -> str | None:
    """The form field a validation error is about: ``utm.source`` is ``utm_source``."""
    if field is None:
        return None
    group, dot, rest = field.partition(".")
    if dot and (group in GROUPS or group == "custom"):
        return f"{group}_{rest}"
    return field


def with_params(url: str, params: Mapping[str, str | None]) -> str:
    """``url`` with ``params`` added to its query (those set to None are left out)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))
