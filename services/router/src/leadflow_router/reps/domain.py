"""A sales rep, and a rep as routing sees it now."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadflow_router.territories import ID_PATTERN, countries


class Rep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name: str
    territories: tuple[str, ...]
    weight: int = Field(default=1, ge=1)
    capacity: int = Field(default=50, ge=1)
    active: bool = True

    _territories = field_validator("territories")(countries)


class RepState(BaseModel):
    """A rep as routing sees it now: the configuration, when they last got a lead, and
    their credit in the weighted rotation (see ``assignments.domain.routing``)."""

    model_config = ConfigDict(frozen=True)

    rep: Rep
    last_assigned_at: datetime | None = None
    credit: int = 0
    open_leads: int = 0  # assigned and not closed by feedback (converted, junk, dead, rejected)

    @property
    def has_room(self) -> bool:
        """Fewer open leads than the rep's capacity."""
        return self.open_leads < self.rep.capacity
