"""score's rules feature on real Postgres: the stage handler stores a score per lead in one
statement and publishes it once; the read API shows it with its explanation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leadflow_score.rules.handlers import score_leads
from leadflow_score.service import SERVICE as SCORE
from leadflow_score.settings import ScoreSettings
from leadflow_shared.db import Database
from leadflow_shared.events import LeadScored, LeadVerified
from tests.conftest import Infra
from tests.support import api_client, fresh, handle


def verified(cta: str = "demo_request", **bant: str) -> LeadVerified:
    def edit(raw: dict[str, Any]) -> None:
        raw["data"]["cta"]["type"] = cta
        raw["data"]["bant"] = bant

    event: LeadVerified = fresh("lead.verified", edit)
    return event


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("score") as database:
        yield database


async def test_each_lead_of_a_batch_gets_its_score_once(db: Database) -> None:
    hot = verified(budget="50k", authority="I decide", need="urgent", timeline="this month")
    cold = verified(cta="newsletter")
    copy = cold.model_copy(update={"id": uuid.uuid4()})
    published = await handle(db, score_leads, [hot, cold, copy])
    assert [e.lead_id for e in published] == [hot.lead_id, cold.lead_id]
    scores = {e.lead_id: e for e in published if isinstance(e, LeadScored)}
    assert scores[hot.lead_id].data.temperature == "hot"
    assert scores[cold.lead_id].data.temperature == "cold"
    assert scores[hot.lead_id].data.lead == hot.data
    assert await handle(db, score_leads, [hot]) == []


async def test_the_read_api_shows_the_score_with_its_explanation(
    infra_env: Infra, db: Database
) -> None:
    event = verified()
    (scored,) = await handle(db, score_leads, [event])
    assert isinstance(scored, LeadScored)
    app = SCORE.create_app(infra_env.settings(ScoreSettings, "score"))
    async with api_client(app, "score") as client:
        found = await client.get(f"/v1/leads/{event.lead_id}/score")
        missing = await client.get(f"/v1/leads/{uuid.uuid4()}/score")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["score"] == scored.data.score and body["status"] == scored.data.status
    assert body["rules_version"] == scored.data.rules_version and body["scored_at"]
    assert body["explanation"] == [c.model_dump(mode="json") for c in scored.data.explanation]
    assert missing.status_code == 404
