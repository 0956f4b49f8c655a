"""decay's use case: scoring again the leads whose engagement may have faded."""

from __future__ import annotations

from leadflow_score.rules.handlers import rescore_leads
from leadflow_score.rules.live import LiveRules
from leadflow_score.rules.repository import ScoreRepository
from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)


async def rescore_due(uow: UnitOfWork, live: LiveRules, clock: Clock, batch_size: int) -> int:
    """Re-score, a batch per transaction, every lead due for a decay check; returns how
    many changed temperature or status (and were published)."""
    changed = 0
    while True:
        now = clock.now()
        async with uow:
            due = await ScoreRepository(uow).due(now, batch_size)
            if not due:
                break
            rules, version = await live.current(uow)
            # a lead whose person another transaction is scoring is left for the next round
            given = await rescore_leads(uow, due, "decay", rules, version, now, wait=False)
            await uow.commit()
        changed += sum(r.changed for r in given)
        if len(due) < batch_size or not given:
            break
    if changed:
        log.info("scores decayed", changed=changed)
    return changed
