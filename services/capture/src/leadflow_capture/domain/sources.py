"""Lead sources: each form or webhook that may post leads."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from leadflow_shared.events.v1 import CtaType


class Source(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str
    allowed_origins: tuple[str, ...] = ()
    secret: str | None = None
    thank_you_url: str | None = None
    error_url: str | None = None
    default_cta: CtaType = "other"
    double_opt_in: bool = False
    rate_limit_per_second: int = Field(default=100, ge=1)


class CaptureConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sources: tuple[Source, ...] = ()

    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}
