"""contact's read use cases: a lead's verdict and a period's findings (the API's; they load
none of the checks)."""

from __future__ import annotations

import uuid
from datetime import datetime

from leadflow_shared.uow import UnitOfWork
from leadflow_verify.contact.repository import Summary, Verification, VerificationRepository


async def verification_of(uow: UnitOfWork, lead_id: uuid.UUID) -> Verification | None:
    async with uow:
        return await VerificationRepository(uow).get(lead_id)


async def summary_of(uow: UnitOfWork, since: datetime, until: datetime) -> Summary:
    async with uow:
        return await VerificationRepository(uow).summary(since, until)
