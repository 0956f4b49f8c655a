"""A partner reseller, and a partner as routing sees it now."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadflow_router import territories as codes
from leadflow_router.territories import ID_PATTERN


class Partner(BaseModel):
    """A partner as the configuration file gives it: partners sharing a territory share
    its leads by ``weight``; ``segments`` empty: any."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str
    territories: tuple[str, ...]
    active: bool = True
    weight: int = Field(default=1, ge=1)
    segments: tuple[str, ...] = ()

    _territories = field_validator("territories")(codes.countries)
    _segments = field_validator("segments")(codes.segment_names)


class PartnerState(BaseModel):
    """A partner with its credit in the weighted rotation among the partners of a
    territory, and when it was last offered a lead."""

    model_config = ConfigDict(frozen=True)

    partner: Partner
    credit: int = 0
    last_offered_at: datetime | None = None
