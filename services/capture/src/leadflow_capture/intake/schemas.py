"""The body of ``POST /v1/leads`` (CONTRACT.md), validated and washed field by field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from leadflow_capture.intake.domain.washing import (
    clean_free_form,
    clean_optional,
    possible_email,
)
from leadflow_shared.events.v1 import CtaType, LeadSubmission

Text = Annotated[str | None, BeforeValidator(clean_optional)]
Email = Annotated[str | None, BeforeValidator(clean_optional), AfterValidator(possible_email)]
LongText = Annotated[str | None, BeforeValidator(lambda v: clean_optional(v, multiline=True))]
FreeForm = Annotated[dict[str, Any], BeforeValidator(clean_free_form)]


def _short(n: int) -> Any:
    return Field(default=None, max_length=n)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=5000)


class CtaIn(_Body):
    type: CtaType | None = None
    page_url: Text = _short(2048)


class UtmIn(_Body):
    source: Text = _short(255)
    medium: Text = _short(255)
    campaign: Text = _short(255)
    term: Text = _short(255)
    content: Text = _short(255)


class ConsentIn(_Body):
    marketing: bool = False
    text: LongText = _short(2000)


class BantIn(_Body):
    budget: Text = _short(255)
    authority: Text = _short(255)
    need: Text = _short(1000)
    timeline: Text = _short(255)


class LeadIn(_Body):
    email: Email = _short(254)
    phone: Text = _short(40)
    first_name: Text = _short(100)
    last_name: Text = _short(100)
    company: Text = _short(200)
    job_title: Text = _short(200)
    website: Text = _short(2048)
    country: Text = _short(100)
    city: Text = _short(100)
    message: LongText = _short(5000)
    language: Text = _short(35)
    cta: CtaIn = Field(default_factory=CtaIn)
    utm: UtmIn = Field(default_factory=UtmIn)
    consent: ConsentIn = Field(default_factory=ConsentIn)
    bant: BantIn = Field(default_factory=BantIn)
    custom: FreeForm = Field(default_factory=dict, max_length=50)

    @model_validator(mode="after")
    def _reachable(self) -> LeadIn:
        if not self.email and not self.phone:
            raise ValueError("at least one of email or phone is required")
        return self

    def to_submission(self, default_cta: CtaType, received_at: datetime) -> LeadSubmission:
        """The submission as recorded: the source's default CTA when none was given, and
        the time of a marketing consent."""
        data = self.model_dump()
        data["cta"]["type"] = data["cta"]["type"] or default_cta
        if data["consent"]["marketing"]:
            data["consent"]["given_at"] = received_at
        return LeadSubmission.model_validate(data)


class LeadAccepted(BaseModel):
    lead_id: str
    status: str = "accepted"
