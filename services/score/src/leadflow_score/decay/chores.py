"""decay's chores in the consumer process: re-scoring leads whose engagement may have
faded, and following the rules ``leadflow-score promote`` made live."""

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


async def _follow(runtime: Runtime[Any]) -> None:
    await runtime.port("rules", LiveRules).follow(runtime.unit_of_work())


def _decay_every(settings: Any) -> float:
    return float(settings.decay_interval_s)


def _follow_every(settings: Any) -> float:
    return float(settings.rules_follow_interval_s)


CHORES = (
    Chore("following promoted rules", _follow_every, _follow),
    Chore("re-scoring decayed engagement", _decay_every, _decay),
)
