"""contact's HTTP API: a lead's data-wash report, and a period's findings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from leadflow_shared.errors import NotFound, Unprocessable
from leadflow_shared.service.app import UoW
from leadflow_verify.contact.queries import summary_of, verification_of
from leadflow_verify.contact.schemas import SummaryOut, VerificationOut

router = APIRouter(tags=["verifications"])


@router.get("/v1/verifications/summary")
async def get_summary(
    uow: UoW,
    since: Annotated[datetime | None, Query(description="from (default: 24 hours ago)")] = None,
    until: Annotated[datetime | None, Query(description="until, excluded (default: now)")] = None,
) -> SummaryOut:
    """How many leads were verified, sent to review or rejected over a period, and how
    many had each finding (disposable, gibberish, duplicates, typo fixes …)."""
    end = _aware(until) if until else datetime.now(UTC)
    start = _aware(since) if since else end - timedelta(days=1)
    if start >= end:
        raise Unprocessable(
            "since must be before until",
            details=[{"field": "since", "message": "must be before until"}],
        )
    return SummaryOut.of(await summary_of(uow, start, end))


@router.get("/v1/verifications/{lead_id}")
async def get_report(lead_id: uuid.UUID, uow: UoW) -> VerificationOut:
    """A lead's data-wash report: every check with its evidence (value before and after,
    what was looked up), its findings, the outcome and why, the lead it repeats, and where
    its double opt-in stands (``awaiting_confirmation`` while it waits)."""
    found = await verification_of(uow, lead_id)
    if found is None:
        raise NotFound(f"no verification for lead {lead_id}")
    return VerificationOut.of(found)


@router.get("/v1/leads/{lead_id}/verification")
async def get_verification(lead_id: uuid.UUID, uow: UoW) -> VerificationOut:
    """The same report as ``/v1/verifications/{lead_id}`` (the first path it had)."""
    return await get_report(lead_id, uow)


def _aware(moment: datetime) -> datetime:
    """A time without a zone is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
