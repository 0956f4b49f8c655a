"""contact's read use cases: a lead's verdict and a period's findings (the API's; they load
none of the checks)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from leadflow_shared.uow import UnitOfWork
from leadflow_verify.contact.repository import Summary, Verification, VerificationRepository
from leadflow_verify.opt_in.domain.confirmation import Confirmation
from leadflow_verify.opt_in.repository import ConfirmationRepository


@dataclass(frozen=True)
class Report:
    """A lead's verdict, and its double opt-in when its source asked for one."""

    verification: Verification
    confirmation: Confirmation | None


async def verification_of(uow: UnitOfWork, lead_id: uuid.UUID) -> Report | None:
    async with uow:
        found = await VerificationRepository(uow).get(lead_id)
        if found is None:
            return None
        held = await ConfirmationRepository(uow).get(lead_id)
        if held is None or held.confirmation.state == "suppressed":
            return Report(found, None)  # a suppressed lead's report says nothing more
        return Report(found, held.confirmation)


async def summary_of(uow: UnitOfWork, since: datetime, until: datetime) -> Summary:
    async with uow:
        return await VerificationRepository(uow).summary(since, until)
