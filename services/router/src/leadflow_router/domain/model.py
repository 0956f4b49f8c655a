"""Reps, partners and the routing configuration."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _countries(values: tuple[str, ...]) -> tuple[str, ...]:
    upper = tuple(v.strip().upper() for v in values)
    for code in upper:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"territories are ISO 3166 alpha-2 codes, got {code!r}")
    return upper


class Rep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    name: str
    territories: tuple[str, ...]
    weight: int = Field(default=1, ge=1)
    capacity: int = Field(default=50, ge=1)
    active: bool = True

    _territories = field_validator("territories")(_countries)


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    name: str
    territories: tuple[str, ...]
    active: bool = True

    _territories = field_validator("territories")(_countries)


class RouterConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reps: tuple[Rep, ...] = ()
    partners: tuple[Partner, ...] = ()


class RepState(BaseModel):
    """A rep as routing sees it now: the configuration plus when they last got a lead."""

    model_config = ConfigDict(frozen=True)

    rep: Rep
    last_assigned_at: datetime | None = None
