"""claims' use case: a rep claims the next lead waiting in the sales queue."""

from __future__ import annotations

from datetime import datetime

from leadflow_router.assignments.domain.rerouting import claimed, tag
from leadflow_router.assignments.domain.routing import SALES_QUEUE, RepTurn
from leadflow_router.assignments.publishing import hand_on
from leadflow_router.assignments.repository import Assignment, AssignmentRepository
from leadflow_router.errors import AtCapacity, NothingToClaim, NotYours, RepInactive, UnknownOwner
from leadflow_router.keys.domain import Caller
from leadflow_router.reps.repository import RepRepository
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.uow import UnitOfWork

# The queues a rep may claim from: sales-ready leads waiting for a rep with room. (The
# review queue never goes to a rep; nurture is for marketing.)
CLAIMABLE = SALES_QUEUE


async def claim(uow: UnitOfWork, rep_id: str, caller: Caller, now: datetime) -> Assignment:
    """Hand ``rep_id`` the next lead they may claim and publish its new ``lead.routed``, in
    one transaction. The rep is locked (their capacity holds against their own other
    claims); the lead is taken with ``FOR UPDATE SKIP LOCKED`` (a claim running at the same
    time takes another). Raises ``NotYours``, ``UnknownOwner``, ``RepInactive``,
    ``AtCapacity`` (their capacity, or their daily cap) or ``NothingToClaim``."""
    if not caller.acts_for("rep", rep_id):
        raise NotYours(f"{caller} may not claim leads for rep {rep_id}")
    async with uow:
        reps = RepRepository(uow)
        state = await reps.lock_one(rep_id, now)
        if state is None:
            raise UnknownOwner(f"no rep {rep_id!r}")
        rep = state.rep
        if not state.active:
            raise RepInactive(f"rep {rep_id} is not active: they claim no leads")
        if not state.has_room:
            raise AtCapacity(
                f"rep {rep_id} has {state.open_leads} open leads, their capacity: close one "
                "(feedback) or reject one before claiming another"
            )
        if not state.under_daily_cap:
            raise AtCapacity(
                f"rep {rep_id} has had {state.today} leads today, their daily cap: they claim "
                "more tomorrow"
            )
        assignments = AssignmentRepository(uow)
        found = await assignments.next_in_queue(CLAIMABLE, rep.territories, tag("rep", rep_id))
        if found is None:
            raise NothingToClaim(
                f"no lead from {', '.join(rep.territories)} waits in the {CLAIMABLE} queue "
                f"for rep {rep_id}"
            )
        lead = found.lead()
        assert lead is not None  # the query takes only leads with their details
        decision = claimed(rep, CLAIMABLE)
        moved = await hand_on(
            uow,
            found,
            lead,
            decision,
            now,
            why="claimed",
            previous=Assignee(kind=found.decision.kind, id=found.decision.assignee_id),
            declined_by=found.declined_by,
            turns={rep_id: RepTurn(1, now)},
        )
        await uow.commit()
    return moved
