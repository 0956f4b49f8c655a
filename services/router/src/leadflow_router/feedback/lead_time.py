"""Lead time: from a lead's capture to its first touch (its rep or partner accepted it or
reported contact) and to its conversion, recorded once each per lead with who it was,
observed as Prometheus histograms and read back as a report (counts, p50, p90 per rep and
partner).

The histograms name the assignee's id as well as its kind: the ids are those of the reps
and partners in the configuration file, so their number is bounded by it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import Histogram

from leadflow_router.assignments.tables import assignments
from leadflow_router.feedback.tables import lead_times
from leadflow_shared.events.v1 import Assignee, FeedbackOutcome
from leadflow_shared.uow import UnitOfWork

TOUCHES: frozenset[str] = frozenset({"accepted", "contacted"})
CONVERSION = "converted"

_BUCKETS = (60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400)
FIRST_TOUCH_SECONDS = Histogram(
    "leadflow_router_lead_time_first_touch_seconds",
    "Seconds from a lead's capture to its first touch (accepted or contacted)",
    ["assignee_kind", "assignee_id"],
    buckets=_BUCKETS,
)
CONVERSION_SECONDS = Histogram(
    "leadflow_router_lead_time_conversion_seconds",
    "Seconds from a lead's capture to its conversion",
    ["assignee_kind", "assignee_id"],
    buckets=_BUCKETS,
)


def _record(span: str) -> str:
    """Set the lead's ``span`` (first_touch, converted) unless it was set before; the
    capture time is the one router kept of the lead. Returns the capture time when set now."""
    return f"""
INSERT INTO {lead_times.fullname} (lead_id, received_at, {span}_at, {span}_kind, {span}_id)
SELECT lead_id, (details ->> 'received_at')::timestamptz, $2, $3, $4
FROM {assignments.fullname} WHERE lead_id = $1 AND details IS NOT NULL
ON CONFLICT (lead_id) DO UPDATE
SET {span}_at = excluded.{span}_at, {span}_kind = excluded.{span}_kind,
    {span}_id = excluded.{span}_id
WHERE {lead_times.fullname}.{span}_at IS NULL
RETURNING received_at
"""


_FIRST_TOUCH = _record("first_touch")
_CONVERTED = _record("converted")


async def record_lead_time(
    uow: UnitOfWork, lead_id: uuid.UUID, outcome: FeedbackOutcome, by: Assignee, now: datetime
) -> None:
    """The lead's first touch or conversion at ``now``, by ``by``, when ``outcome`` is one
    and the lead has none yet (leads routed before router kept their capture time have no
    lead time). The histogram observes it as it is recorded, before the caller commits:
    a transaction that then fails counts once too often."""
    if outcome in TOUCHES:
        sql, histogram = _FIRST_TOUCH, FIRST_TOUCH_SECONDS
    elif outcome == CONVERSION:
        sql, histogram = _CONVERTED, CONVERSION_SECONDS
    else:
        return
    received_at = await (await uow.driver()).fetchval(sql, lead_id, now, by.kind, by.id)
    if received_at is not None:
        seconds = max((now - received_at).total_seconds(), 0.0)
        histogram.labels(by.kind, by.id).observe(seconds)


@dataclass(frozen=True)
class LeadTimes:
    """One rep's or partner's lead times of one span."""

    span: str  # first_touch | conversion
    assignee: Assignee
    count: int
    p50_seconds: float
    p90_seconds: float


def _spans(span: str, name: str) -> str:
    return f"""
SELECT '{name}' AS span, {span}_kind AS kind, {span}_id AS id, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {span}_at - received_at))
         AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM {span}_at - received_at))
         AS p90
FROM {lead_times.fullname}
WHERE {span}_at IS NOT NULL AND ($1::timestamptz IS NULL OR received_at >= $1)
GROUP BY {span}_kind, {span}_id
"""


_REPORT = f"""
{_spans("first_touch", "first_touch")}
UNION ALL
{_spans("converted", "conversion")}
ORDER BY span DESC, kind, id
"""


async def lead_time_report(uow: UnitOfWork, since: datetime | None) -> list[LeadTimes]:
    """Each rep's and partner's lead times, of the leads captured since ``since`` (all
    when None)."""
    async with uow:
        rows = await (await uow.driver()).fetch(_REPORT, since)
    return [
        LeadTimes(
            span=r["span"],
            assignee=Assignee(kind=r["kind"], id=r["id"]),
            count=r["n"],
            p50_seconds=float(r["p50"]),
            p90_seconds=float(r["p90"]),
        )
        for r in rows
    ]
