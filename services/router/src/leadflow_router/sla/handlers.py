"""sla's use case: moving on the leads nobody accepted in time."""

from __future__ import annotations

from prometheus_client import Counter

from leadflow_router.assignments.domain.rerouting import Rejection, tag
from leadflow_router.assignments.domain.routing import partner_turns, rep_turns
from leadflow_router.assignments.publishing import hand_on
from leadflow_router.assignments.repository import AssignmentRepository
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.policy.repository import PolicyRepository
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import Sla, reroute_expired
from leadflow_router.territories import language_of
from leadflow_shared.events.v1 import Assignee
from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)

EXPIRED = Counter(
    "leadflow_router_sla_expired_total",
    "Assignments moved on because their rep or partner did not accept them in time",
    ["assignee_kind"],
)


async def move_expired(uow: UnitOfWork, clock: Clock, sla: Sla, batch_size: int) -> int:
    """Route again, a batch per transaction, every open lead its rep or partner did not
    accept by its deadline: never back to anyone who let it expire or rejected it; a rep's
    place is freed; each published as a new ``lead.routed`` (``attempt`` counted on,
    ``previous`` the one who let it expire) through the outbox. The deadlines are the
    assignments' own, so they hold across restarts; assignments another transaction holds
    (an answer under way, another consumer's run) are left to the next run. Returns how many
    leads moved."""
    moved = 0
    while True:
        now = clock.now()
        async with uow:
            expired = await AssignmentRepository(uow).expired(now, batch_size)
            if not expired:
                break
            reps = RepRepository(uow)
            policy = await PolicyRepository(uow).current()
            states = await reps.lock_all(now)
            partners = PartnerRepository(uow)
            offered = await partners.states(lock=True)
            leads = [found.lead() for found in expired]
            rejections = []
            for found, lead in zip(expired, leads, strict=True):
                assert lead is not None  # the query takes only leads with their details
                who = tag(found.decision.kind, found.decision.assignee_id)
                rejections.append(
                    Rejection(
                        country=lead.country,
                        temperature=lead.temperature,
                        status=lead.status,
                        rejected_by=(found.decision.kind, found.decision.assignee_id),
                        declined=tuple(dict.fromkeys((*found.declined_by, who))),
                        why="sla-expired",
                        language=language_of(lead.details.contact.language),
                        segment=lead.details.segment,
                    )
                )
            decisions = reroute_expired(rejections, states, offered, now=now, policy=policy)
            await partners.take_turns(partner_turns(decisions, now))
            for found, lead, rejection, decision in zip(
                expired, leads, rejections, decisions, strict=True
            ):
                assert lead is not None
                previous = Assignee(kind=found.decision.kind, id=found.decision.assignee_id)
                if previous.kind == "rep":
                    await reps.close_one(previous.id)
                await hand_on(
                    uow,
                    found,
                    lead,
                    decision,
                    now,
                    why="sla-expired",
                    previous=previous,
                    declined_by=tuple(rejection.declined),
                    turns=rep_turns([decision], now),
                    sla=sla,
                )
                EXPIRED.labels(previous.kind).inc()
            await uow.commit()
        moved += len(expired)
        log.info("leads moved on after their SLA", moved=len(expired))
        if len(expired) < batch_size:
            break
    return moved
