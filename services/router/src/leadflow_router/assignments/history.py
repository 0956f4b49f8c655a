"""Every routing of a lead, kept for the audit: the stage's first (``routed``) and each one
after (``claimed``, ``rejected``, ``sla-expired``), with the decision as it was made.

A decision is stored through :func:`trace_of` alone, so that a field added to ``Decision``
is kept without touching the table."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.assignments.tables import routings
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork

Why = Literal["routed", "claimed", "rejected", "sla-expired"]
ELIGIBLE = "eligible"


def trace_of(decision: Decision) -> dict[str, Any]:
    """The whole decision as JSON data: every field of ``Decision`` (the rotation's
    credits, ...), and ``considered`` ((rep id, "eligible" or why skipped), ...) also where
    the decision does not have it."""
    fields = {f.name: _json(getattr(decision, f.name)) for f in dataclasses.fields(decision)}
    fields["considered"] = _json(getattr(decision, "considered", ()))
    return fields


def _json(value: Any) -> Any:
    """Tuples as lists, as reading the JSON back gives them."""
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


@dataclass(frozen=True)
class Routing:
    """One routing of a lead: its ``attempt`` (1 the first), who got it and who had it."""

    lead_id: uuid.UUID
    attempt: int
    why: Why
    decision: Decision
    decided_at: datetime
    previous: Assignee | None = None
    answer_by: datetime | None = None


@dataclass(frozen=True)
class RoutingRecord:
    """A routing as stored: the decision's rule path and reason, and its trace."""

    attempt: int
    why: str
    assignee: Assignee
    previous: Assignee | None
    rule_path: tuple[str, ...]
    reason: str
    trace: dict[str, Any]
    decided_at: datetime
    answer_by: datetime | None

    @property
    def considered(self) -> list[tuple[str, str]]:
        return [(rep_id, verdict) for rep_id, verdict in self.trace.get("considered", ())]


_ADD = insert_unnest(
    routings,
    {
        "lead_id": "uuid",
        "attempt": "int",
        "assignee_kind": "text",
        "assignee_id": "text",
        "previous_kind": "text",
        "previous_id": "text",
        "why": "text",
        "rule_path": "json",
        "reason": "text",
        "trace": "json",
        "answer_by": "timestamptz",
        "decided_at": "timestamptz",
    },
    "ON CONFLICT (lead_id, attempt) DO NOTHING",
)
_OF = f"SELECT * FROM {routings.fullname} WHERE lead_id = $1 ORDER BY attempt"


class HistoryRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add(self, made: Sequence[Routing]) -> None:
        """Record routings (one statement for all of them)."""
        if not made:
            return
        await (await self.uow.driver()).execute(
            _ADD,
            [r.lead_id for r in made],
            [r.attempt for r in made],
            [r.decision.kind for r in made],
            [r.decision.assignee_id for r in made],
            [r.previous.kind if r.previous else None for r in made],
            [r.previous.id if r.previous else None for r in made],
            [r.why for r in made],
            [json.dumps(list(r.decision.rule_path)) for r in made],
            [r.decision.reason for r in made],
            [json.dumps(trace_of(r.decision)) for r in made],
            [r.answer_by for r in made],
            [r.decided_at for r in made],
        )

    async def of(self, lead_id: uuid.UUID) -> list[RoutingRecord]:
        """The lead's routings, the first first."""
        rows = await (await self.uow.driver()).fetch(_OF, lead_id)
        return [
            RoutingRecord(
                attempt=r["attempt"],
                why=r["why"],
                assignee=Assignee(kind=r["assignee_kind"], id=r["assignee_id"]),
                previous=(
                    Assignee(kind=r["previous_kind"], id=r["previous_id"])
                    if r["previous_kind"] is not None
                    else None
                ),
                rule_path=tuple(r["rule_path"]),  # the session's codec decodes json
                reason=r["reason"],
                trace=r["trace"],
                decided_at=r["decided_at"],
                answer_by=r["answer_by"],
            )
            for r in rows
        ]
