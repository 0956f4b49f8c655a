"""How long a rep or partner has to accept a lead, and where leads whose time ran out go.

- A lead pushed to a rep (the stage's routing, or a rejection's or an expiry's) must be
  accepted within ``rep_accept_minutes``; a lead offered to a partner answered (accepted or
  rejected) within ``partner_answer_minutes``. ``reps`` and ``partners`` name the minutes
  of those who get other terms. No minutes: no deadline.
- A lead claimed by a rep has no deadline (the rep asked for it); nor does a lead waiting in
  a queue or nurture.
- A lead whose deadline passed, unaccepted and open, is routed again as a rejection by its
  assignee would be (``assignments.domain.rerouting``): never back to anyone who let it
  expire or rejected it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from leadflow_router.assignments.domain.rerouting import Rejection, reroute
from leadflow_router.assignments.domain.routing import DEFAULT_POLICY, Decision
from leadflow_router.partners.domain import Partner, PartnerState
from leadflow_router.policy.domain import RoutingPolicy
from leadflow_router.reps.domain import RepState


class Sla(BaseModel):
    """The ``sla:`` part of the configuration file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rep_accept_minutes: PositiveInt | None = Field(
        default=None, description="minutes a rep has to accept a lead pushed to them"
    )
    partner_answer_minutes: PositiveInt | None = Field(
        default=None, description="minutes a partner has to accept or reject an offer"
    )
    reps: Mapping[str, PositiveInt] = Field(
        default_factory=dict, description="rep id → their own minutes"
    )
    partners: Mapping[str, PositiveInt] = Field(
        default_factory=dict, description="partner id → its own minutes"
    )

    def unknown(self, rep_ids: Collection[str], partner_ids: Collection[str]) -> list[str]:
        """The reps and partners given minutes of their own who are not configured."""
        return [f"reps.{r}" for r in self.reps if r not in rep_ids] + [
            f"partners.{p}" for p in self.partners if p not in partner_ids
        ]

    def minutes(self, kind: str, assignee_id: str) -> int | None:
        """The minutes ``kind`` ``assignee_id`` has to answer (None: no deadline)."""
        if kind == "rep":
            return self.reps.get(assignee_id, self.rep_accept_minutes)
        if kind == "partner":
            return self.partners.get(assignee_id, self.partner_answer_minutes)
        return None

    def answer_by(self, decision: Decision, now: datetime) -> datetime | None:
        """By when ``decision``'s assignee, given the lead at ``now``, must accept it."""
        minutes = self.minutes(decision.kind, decision.assignee_id)
        return None if minutes is None else now + timedelta(minutes=minutes)


NO_SLA = Sla()


def reroute_expired(
    leads: Sequence[Rejection],
    reps: Sequence[RepState],
    partners: Sequence[Partner | PartnerState],
    *,
    now: datetime | None = None,
    policy: RoutingPolicy = DEFAULT_POLICY,
) -> list[Decision]:
    """Where each lead whose time ran out goes at ``now``, in order, as if one at a time: a
    rep who let one expire has a place freed, and each decision's credits, open leads and
    leads of the day count for the leads after it."""
    states = {state.rep.id: state for state in reps}
    offered = {
        p.partner.id: p
        for p in (q if isinstance(q, PartnerState) else PartnerState(partner=q) for q in partners)
    }
    decisions = []
    for lead in leads:
        kind, who = lead.rejected_by
        if kind == "rep" and who in states:
            freed = max(states[who].open_leads - 1, 0)
            states[who] = states[who].model_copy(update={"open_leads": freed})
        decision = reroute(
            lead, list(states.values()), list(offered.values()), now=now, policy=policy
        )
        for rep_id, credit in decision.credits:
            states[rep_id] = states[rep_id].model_copy(update={"credit": credit})
        for partner_id, credit in decision.partner_credits:
            offered[partner_id] = offered[partner_id].model_copy(update={"credit": credit})
        if decision.kind == "rep":
            state = states[decision.assignee_id]
            states[decision.assignee_id] = state.model_copy(
                update={"open_leads": state.open_leads + 1, "today": state.today + 1}
            )
        decisions.append(decision)
    return decisions
