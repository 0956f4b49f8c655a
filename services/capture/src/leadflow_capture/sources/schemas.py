"""How the admin API shows and takes sources."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from leadflow_capture.sources.domain import Source
from leadflow_shared.events.v1 import CtaType


class SourceIn(BaseModel):
    """A source definition; its id comes from the URL (validated as a Source)."""

    model_config = ConfigDict(extra="allow")


class SourceOut(BaseModel):
    """A source as the admin API shows it: the secret is never returned, only whether
    there is one."""

    id: str
    name: str
    allowed_origins: list[str]
    thank_you_url: str | None
    error_url: str | None
    default_cta: CtaType
    double_opt_in: bool
    honeypot_field: str
    rate_limit_per_second: int
    rate_limit_per_ip_per_minute: int
    duplicate_window_s: int
    signed: bool
    managed_by: Literal["config", "api"]

    @classmethod
    def of(cls, source: Source, managed_by: str) -> SourceOut:
        return cls.model_validate({**source.public(), "managed_by": managed_by})
