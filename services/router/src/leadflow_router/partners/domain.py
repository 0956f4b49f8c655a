"""A partner reseller."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadflow_router.territories import ID_PATTERN, countries


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str
    territories: tuple[str, ...]
    active: bool = True

    _territories = field_validator("territories")(countries)
