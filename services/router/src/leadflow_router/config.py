"""The router's part of the configuration file (reps, partners, the SLAs), and keeping the
stored reps and partners in step with it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadflow_router.partners.domain import Partner
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.reps.domain import Rep
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import Sla
from leadflow_shared.uow import UnitOfWork


class RouterConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reps: tuple[Rep, ...] = ()
    partners: tuple[Partner, ...] = ()
    sla: Sla = Field(default_factory=Sla)

    @model_validator(mode="after")
    def _sla_names_configured_people(self) -> RouterConfig:
        unknown = self.sla.unknown({r.id for r in self.reps}, {p.id for p in self.partners})
        if unknown:
            raise ValueError(f"sla: minutes for reps or partners not configured: {unknown}")
        return self


async def sync_config(uow: UnitOfWork, config: RouterConfig) -> None:
    """Make the stored reps and partners match the configuration file (round-robin state
    survives; reps and partners no longer configured are deactivated)."""
    async with uow:
        await RepRepository(uow).sync(config.reps)
        await PartnerRepository(uow).sync(config.partners)
        await uow.commit()
