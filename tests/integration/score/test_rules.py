"""score's rules feature on real Postgres: verified leads are scored once, a batch at a time;
a repeat submission and feedback re-score the person's leads at once; decay re-scores them
later and publishes only what changed; the read API shows a lead's score and history."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadflow_score.decay.handlers import rescore_due
from leadflow_score.rules.domain.ruleset import RuleSet
from leadflow_score.rules.handlers import score_leads, take_feedback
from leadflow_score.rules.live import LiveRules, RulesFile
from leadflow_score.rules.repository import ScoreRepository
from leadflow_score.service import SERVICE as SCORE
from leadflow_score.settings import ScoreSettings
from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, LeadScored, LeadVerified
from leadflow_shared.ports import Clock
from tests.conftest import EXAMPLE_RULES, Infra
from tests.support import api_client, fresh, handle

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class ExampleRules(LiveRules):
    """The example rules, whatever the test database has live (as a consumer whose rules
    were loaded at start)."""

    async def current(self, uow: object) -> tuple[RuleSet, str]:
        return self.rules, self.version


def example_rules() -> LiveRules:
    live = ExampleRules(None)
    live.use(RulesFile.read(EXAMPLE_RULES).rules)
    return live


def verified(
    cta: str = "demo_request",
    *,
    title: str = "CEO",
    email: str = "ana@acme-widgets.example",
    duplicate_of: uuid.UUID | None = None,
    at: datetime = T0,
    page: str | None = None,
    **bant: str,
) -> LeadVerified:
    def edit(raw: dict[str, Any]) -> None:
        data = raw["data"]
        data["cta"] = {"type": cta, "page_url": page}
        data["bant"] = bant
        data["contact"]["job_title"] = title
        data["contact"]["email"] = email
        data["findings"] = []
        data["received_at"] = at.isoformat()
        data["duplicate_of"] = str(duplicate_of) if duplicate_of else None

    event: LeadVerified = fresh("lead.verified", edit)
    return event


def feedback(lead_id: uuid.UUID, outcome: str, at: datetime) -> LeadFeedback:
    def edit(raw: dict[str, Any]) -> None:
        raw["lead_id"] = str(lead_id)
        raw["data"]["outcome"] = outcome
        raw["data"]["reported_at"] = at.isoformat()

    event: LeadFeedback = fresh("lead.feedback", edit)
    return event


def scored(published: list[Any]) -> dict[uuid.UUID, LeadScored]:
    return {e.lead_id: e for e in published if isinstance(e, LeadScored)}


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("score") as database:
        yield database


async def test_each_lead_of_a_batch_gets_its_score_once(db: Database) -> None:
    rules, clock = example_rules(), FixedClock(T0)
    hot = verified(budget="50k", authority="I decide", need="urgent", timeline="this month")
    cold = verified(cta="newsletter", title="Student", email="kim@gmail.com")
    copy = cold.model_copy(update={"id": uuid.uuid4()})
    published = await handle(db, score_leads, [hot, cold, copy], rules=rules, clock=clock)
    assert [e.lead_id for e in published] == [hot.lead_id, cold.lead_id]
    scores = scored(published)
    assert scores[hot.lead_id].data.temperature == "hot"
    assert scores[hot.lead_id].data.status == "sql"
    assert scores[cold.lead_id].data.temperature == "cold"
    for event in scores.values():
        data = event.data
        assert data.trigger == "verified" and data.rules_version == rules.version
        assert data.fit is not None and data.engagement is not None
        assert sum(c.points for c in data.explanation) == data.score == data.fit + data.engagement
    # the lead goes on without its checks' evidence (verify's report has it)
    assert scores[hot.lead_id].data.lead == hot.data.model_copy(update={"checks": ()})
    assert hot.data.checks
    # the same lead again, under another event id: nothing twice
    again = hot.model_copy(update={"id": uuid.uuid4()})
    assert await handle(db, score_leads, [again], rules=rules, clock=clock) == []


async def test_a_repeat_submission_scores_with_the_persons_activity_and_rescores_the_first(
    db: Database,
) -> None:
    rules = example_rules()
    first = verified("content_download", title="Engineer", page="https://x.example/guide")
    await handle(db, score_leads, [first], rules=rules, clock=FixedClock(T0))
    later = T0 + timedelta(days=1)
    repeat = verified(
        "pricing",
        title="Engineer",
        duplicate_of=first.lead_id,
        at=later,
        page="https://x.example/pricing",
    )
    published = scored(
        await handle(db, score_leads, [repeat], rules=rules, clock=FixedClock(later))
    )
    mine = published[repeat.lead_id].data
    rules_fired = {c.rule: c for c in mine.explanation}
    assert rules_fired["engagement.repeat_submission"].points == 5
    assert "content_download" in rules_fired["engagement.repeat_submission"].reason
    assert rules_fired["engagement.pages"].points == 2
    # the first lead was scored again at once: its score moved (history), and an event
    # went out only if its temperature or status changed
    async with api_client(SCORE.create_app(_settings(db)), "score") as client:
        body = (await client.get(f"/v1/scores/{first.lead_id}")).json()
    assert [h["trigger"] for h in body["history"]] == ["verified", "activity"]
    assert body["current"]["trigger"] == "activity"
    assert body["history"][1]["score"] > body["history"][0]["score"]
    changed = body["history"][1]["temperature"] != body["history"][0]["temperature"]
    assert (first.lead_id in published) == changed == body["history"][1]["published"]


async def test_feedback_rescores_every_lead_of_the_person_at_once(db: Database) -> None:
    rules = example_rules()
    hot = verified(budget="approved", timeline="now")
    (first,) = await handle(db, score_leads, [hot], rules=rules, clock=FixedClock(T0))
    assert isinstance(first, LeadScored) and first.data.temperature == "hot"
    junk = feedback(hot.lead_id, "junk", T0 + timedelta(hours=2))
    clock = FixedClock(T0 + timedelta(hours=2))
    published = scored(await handle(db, take_feedback, [junk], rules=rules, clock=clock))
    data = published[hot.lead_id].data
    assert data.trigger == "activity" and data.temperature != "hot"
    (reason,) = [c for c in data.explanation if c.rule == "engagement.feedback.junk"]
    assert reason.points == -60 and "this lead" in reason.reason
    assert published[hot.lead_id].causation_id == junk.id
    # the same feedback event again changes nothing
    assert await handle(db, take_feedback, [junk], rules=rules, clock=clock) == []


async def test_decay_rescores_due_leads_and_publishes_only_changes(db: Database) -> None:
    rules = example_rules()
    # two hot demo requests: one hot on its fit alone, one hot through its intent only
    fit = verified(budget="yes", authority="yes", need="yes", timeline="now")
    intent = verified(
        title="Analyst", email="bo@gmail.com", budget="yes", need="yes", timeline="now"
    )
    published = scored(
        await handle(db, score_leads, [fit, intent], rules=rules, clock=FixedClock(T0))
    )
    assert {
        published[fit.lead_id].data.temperature,
        published[intent.lead_id].data.temperature,
    } == {"hot"}
    later = T0 + timedelta(days=120)
    changed = await rescore_due(db.unit_of_work(), rules, FixedClock(later), batch_size=1)
    assert changed >= 1
    async with api_client(SCORE.create_app(_settings(db)), "score") as client:
        kept = (await client.get(f"/v1/scores/{fit.lead_id}")).json()
        cooled = (await client.get(f"/v1/scores/{intent.lead_id}")).json()
    assert kept["current"]["temperature"] == "hot" and kept["current"]["trigger"] == "decay"
    assert cooled["current"]["temperature"] != "hot"
    assert cooled["history"][-1]["trigger"] == "decay" and cooled["history"][-1]["published"]
    intent_points = [c for c in cooled["current"]["explanation"] if c["rule"] == "intent.cta"]
    assert intent_points[0]["points"] == 2  # 30 points, 120 days, halved every 30 days
    assert "halved every 30 days" in intent_points[0]["reason"]
    # nothing is due again until the recheck time
    assert await rescore_due(db.unit_of_work(), rules, FixedClock(later), batch_size=10) == 0


async def test_the_read_api_shows_the_current_score_and_its_history(
    infra_env: Infra, db: Database
) -> None:
    event = verified()
    (given,) = await handle(db, score_leads, [event], rules=example_rules(), clock=FixedClock(T0))
    assert isinstance(given, LeadScored)
    app = SCORE.create_app(infra_env.settings(ScoreSettings, "score"))
    async with api_client(app, "score") as client:
        found = await client.get(f"/v1/scores/{event.lead_id}")
        missing = await client.get(f"/v1/scores/{uuid.uuid4()}")
        alone = await client.get(f"/v1/leads/{event.lead_id}/score")
        alone_missing = await client.get(f"/v1/leads/{uuid.uuid4()}/score")
    assert found.status_code == 200, found.text
    body = found.json()
    current = body["current"]
    assert current["score"] == given.data.score and current["status"] == given.data.status
    assert current["fit"] + current["engagement"] == current["score"]
    assert current["rules_version"] == given.data.rules_version and current["scored_at"]
    assert current["explanation"] == [c.model_dump(mode="json") for c in given.data.explanation]
    assert [h["trigger"] for h in body["history"]] == ["verified"]
    assert missing.status_code == 404
    # the first path: the current score alone
    assert alone.status_code == 200 and alone.json() == {**current, "lead_id": str(event.lead_id)}
    assert alone_missing.status_code == 404


def _settings(db: Database) -> ScoreSettings:
    return ScoreSettings(database_url=db.engine.url.render_as_string(hide_password=False))


def test_example_rules_are_valid() -> None:
    rules: RuleSet = RulesFile.read(EXAMPLE_RULES).rules
    assert rules.name == "example" and rules.version.startswith("example@")


async def test_a_repeat_that_arrives_before_the_first_lead_still_counts(db: Database) -> None:
    """The first lead can come second (held for double opt-in, a lagging partition):
    whichever arrives second scores the other again."""
    rules = example_rules()
    first_id = uuid.uuid4()
    repeat = verified("pricing", title="Engineer", duplicate_of=first_id, page="https://x/p")
    await handle(db, score_leads, [repeat], rules=rules, clock=FixedClock(T0))
    first = verified("content_download", title="Engineer", page="https://x/guide")
    first = first.model_copy(update={"lead_id": first_id})
    published = scored(
        await handle(
            db, score_leads, [first], rules=rules, clock=FixedClock(T0 + timedelta(hours=1))
        )
    )
    fired = {c.rule for c in published[first_id].data.explanation}
    assert {"engagement.repeat_submission", "engagement.pages"} <= fired
    async with api_client(SCORE.create_app(_settings(db)), "score") as client:
        body = (await client.get(f"/v1/scores/{repeat.lead_id}")).json()
    assert [h["trigger"] for h in body["history"]] == ["verified", "activity"]
    assert any(c["rule"] == "engagement.repeat_submission" for c in body["current"]["explanation"])


async def test_feedback_on_one_lead_rescores_the_persons_other_leads(db: Database) -> None:
    rules = example_rules()
    first = verified(budget="approved", timeline="now")
    repeat = verified(
        "pricing", duplicate_of=first.lead_id, at=T0 + timedelta(minutes=5), budget="yes"
    )
    await handle(db, score_leads, [first, repeat], rules=rules, clock=FixedClock(T0))
    junk = feedback(repeat.lead_id, "junk", T0 + timedelta(hours=1))
    clock = FixedClock(T0 + timedelta(hours=1))
    published = scored(await handle(db, take_feedback, [junk], rules=rules, clock=clock))
    assert set(published) == {first.lead_id, repeat.lead_id}  # both cooled down
    for event in published.values():
        assert event.causation_id == junk.id and event.data.trigger == "activity"
    (on_first,) = [
        c for c in published[first.lead_id].data.explanation if c.rule.startswith("engagement.f")
    ]
    assert "another of their leads" in on_first.reason


async def test_decay_leaves_a_person_another_transaction_is_scoring(db: Database) -> None:
    rules = example_rules()
    lead = verified(title="Analyst", email="cy@gmail.com", budget="yes", need="yes", timeline="now")
    await handle(db, score_leads, [lead], rules=rules, clock=FixedClock(T0))
    later = FixedClock(T0 + timedelta(days=120))
    async with db.unit_of_work() as holder:  # e.g. the stage, scoring the same person
        await ScoreRepository(holder).lock_persons([lead.lead_id])
        await rescore_due(db.unit_of_work(), rules, later, batch_size=500)
        async with api_client(SCORE.create_app(_settings(db)), "score") as client:
            waiting = (await client.get(f"/v1/scores/{lead.lead_id}")).json()
        assert waiting["current"]["trigger"] == "verified"  # left for the next round
    await rescore_due(db.unit_of_work(), rules, later, batch_size=500)
    async with api_client(SCORE.create_app(_settings(db)), "score") as client:
        done = (await client.get(f"/v1/scores/{lead.lead_id}")).json()
    assert done["current"]["trigger"] == "decay"
