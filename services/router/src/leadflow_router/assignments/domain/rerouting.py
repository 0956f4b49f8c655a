"""Routing a lead again, after its first routing.

- **A claim**: a rep takes the lead from a queue (the sales queue, where sales-ready leads
  wait when every rep who covers their country is unavailable). Who may claim what, and in
  which order, is the claim's query; the decision only names the rep.
- **A rejection**: the lead's rep or partner rejects it. It is routed again by the routing
  rules (see ``routing``), leaving out everyone who rejected it so far: a partner whose
  territory has the country; else, for a hot or SQL lead, the reps who can take it now in
  their rotation; else nurture. A sales-ready lead no remaining rep can take (each declined
  it or cannot take it now) waits in the sales queue. A timed-out assignment is routed
  again the same way (:class:`routing.Again` with the assignees to leave out).
- **An expiry**: the lead's rep or partner did not accept it within their SLA (see
  ``leadflow_router.sla``). It goes on as after a rejection; its rule path starts with
  ``sla-expired`` instead of ``rejected``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from leadflow_router.assignments.domain.routing import (
    DEFAULT_POLICY,
    Again,
    Decision,
    RoutingInput,
    route,
)
from leadflow_router.partners.domain import Partner, PartnerState
from leadflow_router.policy.domain import RoutingPolicy
from leadflow_router.reps.domain import Rep, RepState
from leadflow_shared.events.v1 import AssigneeKind, LifecycleStatus, Temperature


def tag(kind: str, assignee_id: str) -> str:
    """How an assignee is named among those who rejected a lead: ``rep:rep-ben``."""
    return f"{kind}:{assignee_id}"


def claimed(rep: Rep, queue: str) -> Decision:
    return Decision(
        kind="rep",
        assignee_id=rep.id,
        rule_path=("claimed", f"queue:{queue}", rep.id),
        reason=f"{rep.name} claimed it from the {queue} queue",
    )


@dataclass(frozen=True)
class Rejection:
    """A lead whose assignee rejected it (or let its SLA run out: ``why``); ``declined``: the
    tags of everyone who rejected it so far (the one now included)."""

    country: str | None
    temperature: Temperature
    status: LifecycleStatus
    rejected_by: tuple[AssigneeKind, str]
    declined: Collection[str]
    language: str | None = None
    segment: str | None = None
    why: Literal["rejected", "sla-expired"] = "rejected"


def reroute(
    lead: Rejection,
    reps: Sequence[RepState],
    partners: Sequence[Partner | PartnerState],
    *,
    now: datetime | None = None,
    policy: RoutingPolicy = DEFAULT_POLICY,
) -> Decision:
    """Where a rejected lead goes next (see the module's rules), at ``now``."""
    kind, who = lead.rejected_by
    names = {
        **{tag("rep", s.rep.id): s.rep.name for s in reps},
        **{
            tag("partner", p.id): p.name
            for p in (q.partner if isinstance(q, PartnerState) else q for q in partners)
        },
    }
    name = names.get(tag(kind, who), f"{kind} {who}")
    said = f"{name} rejected it" if lead.why == "rejected" else f"{name} did not accept it in time"
    again = Again(head=(lead.why, tag(kind, who)), said=said, excluded=lead.declined)
    routing = RoutingInput(
        country=lead.country,
        temperature=lead.temperature,
        status=lead.status,
        language=lead.language,
        segment=lead.segment,
    )
    return route(routing, reps, partners, now=now, policy=policy, again=again)
