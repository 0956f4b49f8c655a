"""Lead sources: each form or webhook that may post leads, and how it is protected."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadflow_capture.intake.domain.forms import is_lead_field
from leadflow_shared.events.v1 import CtaType

SOURCE_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
    return value


def _origin(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"an origin is scheme://host[:port] with no path, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


class Source(BaseModel):
    """A form or webhook that posts leads (from the config file or the admin API)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=SOURCE_ID)
    name: str = Field(min_length=1, max_length=200)
    allowed_origins: tuple[str, ...] = ()
    secret: str | None = Field(default=None, min_length=8, max_length=200)
    thank_you_url: str | None = None
    error_url: str | None = None
    default_cta: CtaType = "other"
    double_opt_in: bool = False
    honeypot_field: str = Field(default="fax_number", pattern=r"^[a-z][a-z0-9_]{0,63}$")
    rate_limit_per_second: int = Field(default=100, ge=1, le=1_000_000)
    rate_limit_per_ip_per_minute: int = Field(default=30, ge=1, le=100_000)
    duplicate_window_s: int = Field(default=10, ge=0, le=3600)

    @field_validator("thank_you_url", "error_url")
    @classmethod
    def _redirects_are_absolute(cls, value: str | None) -> str | None:
        return _http_url(value)

    @field_validator("honeypot_field")
    @classmethod
    def _honeypot_is_not_a_lead_field(cls, value: str) -> str:
        if is_lead_field(value):
            raise ValueError(f"{value!r} is a lead's field; the honeypot needs a name of its own")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_origin(v) for v in values)

    def allows_origin(self, origin: str | None) -> bool:
        return origin is not None and origin.lower() in self.allowed_origins

    def public(self) -> dict[str, object]:
        """The source as the admin API shows it: the secret is never returned."""
        data = self.model_dump(mode="json", exclude={"secret"})
        data["signed"] = self.secret is not None
        return data


class ManagedByConfig(Exception):
    """The source is defined in the configuration file: the admin API may not change it."""

    def __init__(self, source_id: str) -> None:
        super().__init__(f"source {source_id!r} is defined in the config file")
        self.source_id = source_id


class CaptureConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sources: tuple[Source, ...] = ()

    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}
