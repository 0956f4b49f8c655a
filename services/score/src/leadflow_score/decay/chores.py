"""decay's chore in the consumer process: re-scoring leads whose engagement may have
faded."""

from __future__ import annotations

from typing import Any

from leadflow_score.rules.live import LiveRules
from leadflow_score.settings import ScoreSettings
from leadflow_shared.ports import Clock
from leadflow_shared.service import Chore, Runtime


async def _decay(runtime: Runtime[Any]) -> None:
    # the stage's code, imported where it runs: the api process loads this module too
    from leadflow_score.decay.handlers import rescore_due

    settings: ScoreSettings = runtime.settings
    await rescore_due(
        runtime.unit_of_work(),
        runtime.port("rules", LiveRules),
        runtime.port("clock", Clock),
        settings.decay_batch_size,
    )


def _decay_every(settings: Any) -> float:
    return float(settings.decay_interval_s)


CHORES = (Chore("re-scoring decayed engagement", _decay_every, _decay),)
