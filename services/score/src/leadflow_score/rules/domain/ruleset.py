"""The scoring rules file: its shape, how it is read, and its version.

A rules file is YAML (``deploy/examples/score-rules.yaml`` is the example). It names
itself, sets the temperature thresholds, the lifecycle statuses' conditions and the decay
of engagement, and gives points per signal in five families:

    fit         who the lead is: seniority and department from the job title, company
                size, industry, country, business or free-mail address
    intent      the call to action the lead sent (a demo request is strong, a newsletter weak)
    bant        the budget, authority, need and timeline answers
    engagement  what the same person did over time: repeat submissions, pages, feedback
    negative    verify's findings (disposable, role account, gibberish …), students,
                competitors' domains

fit, bant and negative make the **fit** score; intent and engagement make the
**engagement** score, which decays with the half-life. Their sum is the score.

A rules version is the file's name and a hash of its content (``example@3f2a9c1b7e4d``):
the hash is taken over the data the YAML holds (keys sorted), so comments, layout and key
order do not change it, and the same rules always get the same version.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from leadflow_score.rules.domain.titles import Department, Seniority
from leadflow_shared.config import parse_yaml
from leadflow_shared.events.v1 import CtaType, FeedbackOutcome, LifecycleStatus

BantField = Literal["budget", "authority", "need", "timeline"]
Points = Annotated[int, Field(ge=-1000, le=1000)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class _Strict(BaseModel):
    """Every section refuses keys it does not know: a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Temperatures(_Strict):
    """From how many points a lead is hot or warm (below warm: cold)."""

    warm: int
    hot: int  # after warm: its check reads warm, and a problem names hot's line

    @field_validator("hot")
    @classmethod
    def _hot_above_warm(cls, hot: int, info: ValidationInfo) -> int:
        warm = info.data.get("warm")
        if warm is not None and hot <= warm:
            raise ValueError("hot must be more points than warm")
        return hot


class Condition(_Strict):
    """One way to reach a status; every condition given must hold."""

    min_score: int | None = None
    min_fit: int | None = None
    min_engagement: int | None = None
    # how many BANT answers are positive (a timeline counts when it is soon)
    min_positive_bant: int | None = Field(default=None, ge=1, le=4)
    # these BANT answers must be positive (authority also when the title implies it)
    bant: tuple[BantField, ...] = ()
    # the lead's call to action is one of these
    ctas: tuple[CtaType, ...] = ()
    # the lead gave an email address or a phone number
    has_contact: bool | None = None
    temperature: tuple[Literal["cold", "warm", "hot"], ...] = ()


class Statuses(_Strict):
    """Tried from sql down; the first status one of whose conditions a lead meets is its
    status, and a lead that meets none is a suspect."""

    sql: tuple[Condition, ...] = ()
    mql: tuple[Condition, ...] = ()
    lead: tuple[Condition, ...] = ()

    def in_order(self) -> tuple[tuple[LifecycleStatus, tuple[Condition, ...]], ...]:
        return (("sql", self.sql), ("mql", self.mql), ("lead", self.lead))


class Decay(_Strict):
    """Engagement points halve every ``half_life_days``; a lead whose engagement has not
    yet decayed away is looked at again every ``recheck_every_hours``."""

    half_life_days: float = Field(gt=0)
    recheck_every_hours: float = Field(default=6.0, gt=0)


class Band(_Strict):
    """Companies of at least ``from`` employees (the first band that fits counts)."""

    from_: int = Field(alias="from", ge=0)
    points: Points


class CompanySize(_Strict):
    """Employees, read from the form's custom field ``field`` ("250", "50-200", "1000+")."""

    field: str = "company_size"
    bands: tuple[Band, ...]

    @field_validator("bands")
    @classmethod
    def _largest_first(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        froms = [b.from_ for b in bands]
        if froms != sorted(froms, reverse=True):
            raise ValueError("bands must go from the largest size down")
        return bands


def fold(text: str) -> str:
    """``text`` compared without case or extra spaces."""
    return " ".join(text.casefold().split())


class Industry(_Strict):
    """Points per industry, read from the form's custom field ``field`` (case ignored)."""

    field: str = "industry"
    points: dict[str, Points]

    @cached_property
    def by_folded_name(self) -> dict[str, int]:
        """The points by industry folded (see :func:`fold`), made once per rules."""
        return {fold(name): points for name, points in self.points.items()}


class EmailDomain(_Strict):
    business: Points = 0
    free: Points = 0


class Fit(_Strict):
    seniority: dict[Seniority, Points] = {}
    department: dict[Department, Points] = {}
    company_size: CompanySize | None = None
    industry: Industry | None = None
    country: dict[str, Points] = {}  # ISO 3166 alpha-2 codes
    email_domain: EmailDomain = EmailDomain()

    @field_validator("country")
    @classmethod
    def _country_codes(cls, country: dict[str, int]) -> dict[str, int]:
        wrong = [c for c in country if len(c) != 2 or not c.isupper()]
        if wrong:
            raise ValueError(f"country needs ISO 3166 alpha-2 codes (US, DE …), not {wrong}")
        return country


class Answer(_Strict):
    positive: Points = 0
    negative: Points = 0


class Authority(Answer):
    # an unanswered authority question reads as positive for these job-title levels (for
    # the statuses' BANT conditions only: the title's points are fit.seniority's)
    implied_by_seniority: tuple[Seniority, ...] = ()


class Timeline(_Strict):
    soon: Points = 0
    later: Points = 0
    negative: Points = 0


class Bant(_Strict):
    budget: Answer = Answer()
    authority: Authority = Authority()
    need: Answer = Answer()
    timeline: Timeline = Timeline()


class Capped(_Strict):
    points: Points
    max: Points


class Engagement(_Strict):
    marketing_consent: Points = 0  # agreed to receive marketing
    repeat_submission: Capped | None = None  # each other form the same person sent
    pages: Capped | None = None  # each other page the same person sent a form from
    feedback: dict[FeedbackOutcome, Points] = {}


def _not_positive(points: int) -> int:
    if points > 0:
        raise ValueError("negative signals cannot add points")
    return points


NegativePoints = Annotated[Points, AfterValidator(_not_positive)]


class Students(_Strict):
    points: NegativePoints
    # email domains ending so ("edu" matches mit.edu; "ac.uk" matches ox.ac.uk)
    email_domains: tuple[str, ...] = ()


class Competitors(_Strict):
    points: NegativePoints
    domains: tuple[str, ...] = ()


class Negative(_Strict):
    findings: dict[str, NegativePoints] = {}  # verify's findings by code
    students: Students | None = None
    competitors: Competitors | None = None


class RuleSet(_Strict):
    """A whole rules file."""

    name: Name
    description: str = ""
    temperature: Temperatures
    status: Statuses
    decay: Decay
    fit: Fit = Fit()
    intent: dict[CtaType, Points] = {}
    bant: Bant = Bant()
    engagement: Engagement = Engagement()
    negative: Negative = Negative()

    # the file's data as YAML gave it (read_rules keeps it): what the version is a hash of
    _data: Any = PrivateAttr(default=None)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the rules as written (keys sorted), not of the model: a section or
        setting added to this model later, with a default, changes no version."""
        data = self._data
        if data is None:
            data = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @cached_property
    def version(self) -> str:
        """``<name>@<first 12 hex digits of the content hash>``."""
        return f"{self.name}@{self.content_hash[:12]}"


def read_rules(text: str, origin: str) -> RuleSet:
    """The rules in YAML ``text`` (from ``origin``, named in errors with the line);
    raises ``leadflow_shared.config.ConfigError``."""
    rules, data = parse_yaml(text, RuleSet, origin)
    rules._data = data
    return rules
