"""partners' HTTP API."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow_router.partners.handlers import list_partners
from leadflow_router.partners.schemas import PartnerOut
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["partners"])


@router.get("/v1/partners")
async def get_partners(uow: UoW) -> list[PartnerOut]:
    """Every partner reseller, its territories, and its webhook's health."""
    return [PartnerOut.of(p, health) for p, health in await list_partners(uow)]
