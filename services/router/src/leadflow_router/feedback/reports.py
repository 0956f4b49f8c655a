"""feedback's report: ``GET /v1/reports/lead-time`` (the admin key: /v1/reports is behind
it)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from leadflow_router.feedback.lead_time import LeadTimes, lead_time_report
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.service.app import UoW

router = APIRouter(tags=["reports"])


class LeadTimesOut(BaseModel):
    assignee: Assignee
    count: int = Field(description="leads with this span recorded")
    p50_seconds: float
    p90_seconds: float

    @classmethod
    def of(cls, t: LeadTimes) -> LeadTimesOut:
        return cls(
            assignee=t.assignee, count=t.count, p50_seconds=t.p50_seconds, p90_seconds=t.p90_seconds
        )


class LeadTimeReportOut(BaseModel):
    since: datetime | None = Field(description="only leads captured since then (None: all)")
    first_touch: list[LeadTimesOut] = Field(
        description="capture → first touch (accepted or contacted), per rep and partner"
    )
    conversion: list[LeadTimesOut] = Field(description="capture → conversion, per rep and partner")


@router.get("/v1/reports/lead-time")
async def lead_time(uow: UoW, since: AwareDatetime | None = None) -> LeadTimeReportOut:
    """Lead time per rep and partner: how many leads and the median (p50) and p90 seconds
    from capture to first touch and from capture to conversion, of the leads captured since
    ``since`` (ISO 8601 with a zone; all leads without it). The admin key."""
    rows = await lead_time_report(uow, since)
    return LeadTimeReportOut(
        since=since,
        first_touch=[LeadTimesOut.of(t) for t in rows if t.span == "first_touch"],
        conversion=[LeadTimesOut.of(t) for t in rows if t.span == "conversion"],
    )
