"""How partners' read API shows a partner."""

from __future__ import annotations

from pydantic import BaseModel

from leadflow_router.partners.domain import Partner


class PartnerOut(BaseModel):
    id: str
    name: str
    territories: list[str]
    active: bool

    @classmethod
    def of(cls, partner: Partner) -> PartnerOut:
        return cls(
            id=partner.id,
            name=partner.name,
            territories=list(partner.territories),
            active=partner.active,
        )
