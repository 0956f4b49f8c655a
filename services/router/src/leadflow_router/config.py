"""The router's part of the configuration file: reps and partners."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from leadflow_router.partners.domain import Partner
from leadflow_router.reps.domain import Rep


class RouterConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reps: tuple[Rep, ...] = ()
    partners: tuple[Partner, ...] = ()
