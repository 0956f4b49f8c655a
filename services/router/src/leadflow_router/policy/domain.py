"""The routing policy as the configuration file states it: an ordered list of rules, each
named, and the segments a lead's company size falls in.

    routing:
      segments:                # a lead's segment, by its company's employees
        field: company_size    # the form's custom field they are read from
        enterprise: 1000       # a segment and its least employees
        mid-market: 200
        smb: 0
      rules:                   # in this order; the first that decides wins
        - {name: needs-review, type: review}
        - {name: repeat, type: owner}
        - {name: partner-territory, type: partners}
        - {name: not-sales-ready, type: nurture, unless: {temperatures: [hot], statuses: [sql]}}
        - {name: sales-ready, type: reps, strategy: weighted, fallback: sales}

Without a ``rules`` list, the list above is the policy. The rule types:

- ``review``: a lead verify sent to review goes to the review queue. It comes first, so
  such a lead never reaches a rep or partner (it is put first when not listed).
- ``owner``: a repeat of an earlier lead by the same person (verify's ``duplicate_of``)
  goes to whoever has the first lead, while they can take it; with ``by: [person,
  company]``, a lead from a company (its email address's domain, not a free-mail one) goes
  to whoever has the company's leads (the last rep or partner routed one), the same way.
- ``partners``: a lead from an active partner's territory (and segments) is offered to
  that partner; several such partners share the leads by weight.
- ``nurture``: a lead goes to the nurture queue unless its temperature or its status is
  one of ``unless``'s.
- ``reps``: the reps ``match``ed by territory, language and segment (or only ``reps``, when
  named) share the lead: ``weighted`` (smooth weighted round robin) or ``least-busy``
  (fewest open leads). When some match but none can take it now (out of office, outside
  their hours, at capacity or daily cap, declined it), the lead waits in ``fallback``;
  when none match, the next rule decides.

Every rule but ``review`` may have a ``match``: the countries (or regions), languages,
segments, temperatures and statuses it applies to (each empty: any); a lead it does not
match goes on to the next rule. A lead no rule decides is nurtured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadflow_router import territories as codes
from leadflow_router.territories import NAME_PATTERN
from leadflow_shared.company_size import employees_of
from leadflow_shared.events.v1 import LifecycleStatus, Temperature

RuleType = Literal["review", "owner", "partners", "nurture", "reps"]
Strategy = Literal["weighted", "least-busy"]
QUEUE_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Match(_Strict):
    """Which leads a rule applies to: every field given must hold (each empty: any)."""

    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    temperatures: tuple[Temperature, ...] = ()
    statuses: tuple[LifecycleStatus, ...] = ()

    _countries = field_validator("countries")(codes.countries)
    _languages = field_validator("languages")(codes.languages)
    _segments = field_validator("segments")(codes.segment_names)

    def holds(
        self,
        country: str | None,
        language: str | None,
        segment: str | None,
        temperature: Temperature,
        status: LifecycleStatus,
    ) -> bool:
        return (
            (not self.countries or country in self.countries)
            and (not self.languages or language in self.languages)
            and (not self.segments or segment in self.segments)
            and (not self.temperatures or temperature in self.temperatures)
            and (not self.statuses or status in self.statuses)
        )


class Unless(_Strict):
    """A ``nurture`` rule's exceptions: a lead with one of these temperatures or one of
    these statuses is not nurtured by it."""

    temperatures: tuple[Temperature, ...] = ("hot",)
    statuses: tuple[LifecycleStatus, ...] = ("sql",)


class Rule(_Strict):
    name: str = Field(pattern=QUEUE_PATTERN)
    type: RuleType
    match: Match = Field(default_factory=Match)
    unless: Unless = Field(default_factory=Unless)  # nurture
    by: tuple[Literal["person", "company"], ...] = ("person",)  # owner
    strategy: Strategy = "weighted"  # reps
    reps: tuple[str, ...] = ()  # reps: only these (ids); empty: every rep
    fallback: str = Field(default="sales", pattern=QUEUE_PATTERN)  # reps

    @model_validator(mode="after")
    def _fits_type(self) -> Rule:
        if self.type == "review" and self.match != Match():
            raise ValueError(f"rule {self.name}: the review rule applies to every lead (no match)")
        return self


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(name="needs-review", type="review"),
    Rule(name="repeat", type="owner"),
    Rule(name="partner-territory", type="partners"),
    Rule(name="not-sales-ready", type="nurture"),
    Rule(name="sales-ready", type="reps"),
)


class Segments(_Strict):
    """Segments by a company's employees (``{enterprise: 1000, smb: 0}``: the largest
    whose least employees the company reaches), read from the form's custom field
    ``field``; a custom field ``segment`` naming one of them wins."""

    field: str = "company_size"
    least_employees: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, given: Any) -> Any:
        """``{field: company_size, enterprise: 1000, smb: 0}``: every key but ``field``
        names a segment."""
        if isinstance(given, dict) and "least_employees" not in given:
            flat = {k: v for k, v in given.items() if k != "field"}
            return {
                **({"field": given["field"]} if "field" in given else {}),
                "least_employees": flat,
            }
        return given

    @field_validator("least_employees")
    @classmethod
    def _named(cls, value: dict[str, int]) -> dict[str, int]:
        for name, least in value.items():
            if not re.match(NAME_PATTERN, name):
                raise ValueError(f"a segment's name is lower case, three letters or more: {name!r}")
            if least < 0:
                raise ValueError(f"segment {name}: employees are 0 or more")
        return dict(sorted(value.items(), key=lambda kv: -kv[1]))

    def of(self, custom: Mapping[str, Any]) -> str | None:
        """The lead's segment from its form's custom fields; None when they tell none."""
        named = custom.get("segment")
        if isinstance(named, str) and named.strip().lower() in self.least_employees:
            return named.strip().lower()
        employees = employees_of(custom.get(self.field))
        if employees is None:
            return None
        return next((s for s, least in self.least_employees.items() if employees >= least), None)


class RoutingPolicy(_Strict):
    """The configuration file's ``routing`` section."""

    rules: tuple[Rule, ...] = DEFAULT_RULES
    segments: Segments = Field(default_factory=Segments)

    @field_validator("rules")
    @classmethod
    def _review_first(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        if not rules:
            return DEFAULT_RULES
        names = [r.name for r in rules]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"rule names are unique: {', '.join(twice)} twice")
        reviews = [n for n, r in enumerate(rules) if r.type == "review"]
        if len(reviews) > 1:
            raise ValueError("one review rule at most")
        if reviews and reviews[0] != 0:
            raise ValueError(
                "the review rule comes first: a lead verify sent to review never goes to a "
                "rep or partner"
            )
        if not reviews:
            rules = (DEFAULT_RULES[0], *rules)
        return rules

    def known_segments(self) -> tuple[str, ...]:
        return tuple(self.segments.least_employees)
