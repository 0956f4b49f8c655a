"""score's declaration: what ``leadflow-score api | consumer | migrate`` are built from."""

from __future__ import annotations

from leadflow_score import NAME, tables
from leadflow_score.settings import ScoreSettings
from leadflow_shared.events import LeadVerified
from leadflow_shared.service import Service, Subscription

SERVICE = Service(
    name=NAME,
    description="Scores verified leads: temperature, lifecycle status and why.",
    settings=ScoreSettings,
    metadata=tables.metadata,
    subscriptions=[Subscription(LeadVerified, "leadflow_score.rules.handlers:score_leads")],
    routers=["leadflow_score.rules.endpoints:router"],
)
