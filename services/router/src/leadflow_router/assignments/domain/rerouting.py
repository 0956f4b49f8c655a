"""Routing a lead again, after its first routing.

- **A claim**: a rep takes the lead from a queue (the sales queue, where sales-ready leads
  wait when every rep who covers their country is full). Who may claim what, and in which
  order, is the claim's query; the decision only names the rep.
- **A rejection**: the lead's rep or partner rejects it. It is routed again by the routing
  rules (a partner whose territory has the country; else, for a hot or SQL lead, the
  covering reps in their rotation; else nurture), leaving out everyone who rejected it so
  far. A sales-ready lead no remaining rep can take (each declined it or is full) waits in
  the sales queue, as when every covering rep is full.
- **An expiry**: the lead's rep or partner did not accept it within their SLA (see
  ``leadflow_router.sla``). It goes on as after a rejection; its rule path starts with
  ``sla-expired`` instead of ``rejected``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from leadflow_router.assignments.domain.routing import (
    NURTURE_QUEUE,
    SALES_QUEUE,
    Decision,
    next_in_rotation,
)
from leadflow_router.partners.domain import Partner
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
    why: Literal["rejected", "sla-expired"] = "rejected"


def reroute(lead: Rejection, reps: Sequence[RepState], partners: Sequence[Partner]) -> Decision:
    """Where a rejected lead goes next (see the module's rules)."""
    kind, who = lead.rejected_by
    head = (lead.why, tag(kind, who))
    names = {
        **{tag("rep", s.rep.id): s.rep.name for s in reps},
        **{tag("partner", p.id): p.name for p in partners},
    }
    name = names.get(tag(kind, who), f"{kind} {who}")
    said = f"{name} rejected it" if lead.why == "rejected" else f"{name} did not accept it in time"
    country = lead.country
    if country is not None:
        for partner in partners:
            if (
                partner.active
                and country in partner.territories
                and tag("partner", partner.id) not in lead.declined
            ):
                return Decision(
                    kind="partner",
                    assignee_id=partner.id,
                    rule_path=(*head, "partner-territory", f"country:{country}", partner.id),
                    reason=f"{said}; {country} is in {partner.name}'s territory",
                )
    if lead.temperature != "hot" and lead.status != "sql":
        return Decision(
            kind="nurture",
            assignee_id=NURTURE_QUEUE,
            rule_path=(*head, "not-sales-ready", NURTURE_QUEUE),
            reason=f"{said}; a {lead.temperature} {lead.status.upper()} lead is nurtured until "
            "it warms up",
        )
    covering = [s for s in reps if s.rep.active and country in s.rep.territories]
    if not covering:
        where = country or "an unknown country"
        return Decision(
            kind="nurture",
            assignee_id=NURTURE_QUEUE,
            rule_path=(*head, f"country:{country or '-'}", "no-rep", NURTURE_QUEUE),
            reason=f"{said}; no active rep covers {where}",
        )
    willing = [s for s in covering if tag("rep", s.rep.id) not in lead.declined]
    with_room = [s for s in willing if s.has_room]
    if not with_room:
        declined = [s.rep.name for s in covering if s not in willing]
        full = [s.rep.name for s in willing]
        why = "; ".join(
            part
            for part in (
                f"declined by {', '.join(declined)}" if declined else "",
                f"at capacity: {', '.join(full)}" if full else "",
            )
            if part
        )
        return Decision(
            kind="queue",
            assignee_id=SALES_QUEUE,
            rule_path=(*head, f"country:{country}", "no-rep-left", SALES_QUEUE),
            reason=f"{said}; no other rep who covers {country} can take it ({why}): waits in "
            "the sales queue",
        )
    chosen, credits, share = next_in_rotation(with_room)
    return Decision(
        kind="rep",
        assignee_id=chosen.rep.id,
        rule_path=(*head, f"country:{country}", "round-robin", chosen.rep.id),
        reason=f"{said}; {chosen.rep.name} covers {country} and is next in turn{share}",
        credits=credits,
    )
