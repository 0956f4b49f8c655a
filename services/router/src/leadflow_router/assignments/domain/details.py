"""What router keeps of a routed lead, so that it can route the lead again (a claim from a
queue, a rejection) and publish it as the first ``lead.routed`` did."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from leadflow_shared.events.v1 import ContactDetails, Cta, LifecycleStatus, Temperature


class LeadDetails(BaseModel):
    model_config = ConfigDict(frozen=True)

    source_id: str
    score: int
    contact: ContactDetails
    cta: Cta = Field(default_factory=Cta)
    message: str | None = None
    received_at: AwareDatetime
    segment: str | None = None  # routing's segment for the lead (None before it was kept)


class RoutedLead(BaseModel):
    """A lead as routing it again sees it: its details, score and where it is now."""

    model_config = ConfigDict(frozen=True)

    details: LeadDetails
    country: str | None
    temperature: Temperature
    status: LifecycleStatus
