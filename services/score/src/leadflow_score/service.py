"""score's declaration: what ``leadflow-score api | consumer | migrate | replay | promote``
are built from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadflow_score import NAME, tables
from leadflow_score.decay.chores import CHORES
from leadflow_score.rules.live import LiveRules, check_rules_file
from leadflow_score.settings import ScoreSettings
from leadflow_shared.events import LeadFeedback, LeadVerified
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime, Service, Subscription


def _ports(settings: ScoreSettings) -> Mapping[str, object]:
    return {"rules": LiveRules(settings.score_rules_file)}


async def _load_rules(runtime: Runtime[Any]) -> None:
    """Before consuming: a bad rules file stops the consumer here, naming line and reason."""
    live = runtime.port("rules", LiveRules)
    await live.start(runtime.unit_of_work(), runtime.port("clock", Clock).now())


SERVICE = Service(
    name=NAME,
    description="Scores verified leads: fit and engagement, temperature, status and why.",
    settings=ScoreSettings,
    metadata=tables.metadata,
    subscriptions=[
        Subscription(LeadVerified, "leadflow_score.rules.handlers:score_leads"),
        Subscription(LeadFeedback, "leadflow_score.rules.handlers:take_feedback"),
    ],
    routers=["leadflow_score.rules.endpoints:router"],
    ports=_ports,
    chores=CHORES,
    on_start=_load_rules,
    preflight=lambda settings: check_rules_file(settings.score_rules_file),
    commands=["leadflow_score.replay.commands:commands"],
)
