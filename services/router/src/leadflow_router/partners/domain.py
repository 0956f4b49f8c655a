"""A partner reseller, the webhook it may receive its offers on, and a partner as routing
sees it now."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from leadflow_router import territories as codes
from leadflow_router.territories import ID_PATTERN

SECRET_ENV_PATTERN = r"^[A-Z_][A-Z0-9_]{0,127}$"


class PartnerWebhook(BaseModel):
    """Where a partner's offers are also posted, signed with its secret: given in the file
    (``secret``), or named there and read from the consumer's environment (``secret_env``),
    never both. The secret is never logged nor shown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    secret: SecretStr | None = Field(default=None, min_length=8, max_length=200)
    secret_env: str | None = Field(default=None, pattern=SECRET_ENV_PATTERN)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
        return value

    @model_validator(mode="after")
    def _one_secret(self) -> PartnerWebhook:
        if (self.secret is None) == (self.secret_env is None):
            raise ValueError("give the webhook either a secret or a secret_env, not both")
        return self


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
    webhook: PartnerWebhook | None = None
    # False while its webhook keeps failing: routing skips the partner until a probe finds
    # the endpoint answering again. router's own state, never configured (the repository
    # sets it with ``model_copy``).
    healthy: bool = Field(default=True, exclude=True)

    _territories = field_validator("territories")(codes.countries)
    _segments = field_validator("segments")(codes.segment_names)

    @model_validator(mode="before")
    @classmethod
    def _health_is_not_configured(cls, data: Any) -> Any:
        if isinstance(data, dict) and "healthy" in data:
            raise ValueError("healthy is router's own state (its webhook's), not configured")
        return data


class PartnerState(BaseModel):
    """A partner with its credit in the weighted rotation among the partners of a
    territory, and when it was last offered a lead."""

    model_config = ConfigDict(frozen=True)

    partner: Partner
    credit: int = 0
    last_offered_at: datetime | None = None
