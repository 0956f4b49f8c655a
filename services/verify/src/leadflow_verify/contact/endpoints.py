"""contact's HTTP API: a lead's verification, with its evidence."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from leadflow_shared.errors import NotFound
from leadflow_shared.service.app import UoW
from leadflow_verify.contact.handlers import verification_of
from leadflow_verify.contact.schemas import VerificationOut

router = APIRouter(tags=["leads"])


@router.get("/v1/leads/{lead_id}/verification")
async def get_verification(lead_id: uuid.UUID, uow: UoW) -> VerificationOut:
    """The checks run on a lead, with their evidence, and the verdict."""
    found = await verification_of(uow, lead_id)
    if found is None:
        raise NotFound(f"no verification for lead {lead_id}")
    return VerificationOut.of(found)
