"""sla's chore in the consumer process: moving on the leads nobody accepted in time."""

from __future__ import annotations

from typing import Any

from leadflow_router.sla.domain import Sla
from leadflow_shared.ports import Clock
from leadflow_shared.service import Chore, Runtime


async def _expire(runtime: Runtime[Any]) -> None:
    # the stage's code, imported where it runs: the api process loads this module too
    from leadflow_router.sla.handlers import move_expired

    await move_expired(
        runtime.unit_of_work(),
        runtime.port("clock", Clock),
        runtime.port("sla", Sla),
        runtime.settings.sla_batch_size,
    )


def _expire_every(settings: Any) -> float:
    return float(settings.sla_check_interval_s)


CHORES = (Chore("moving on leads past their SLA", _expire_every, _expire),)
