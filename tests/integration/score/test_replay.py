"""Versioned rules on real Postgres, in a database of their own (promoting changes what is
live for every consumer of a database): the consumer's start-up registers its rules file
and makes it live only when nothing is; a replay under edited rules writes the shadow
table and reports what would change without touching live scores or publishing; promote
makes the rules live and scores the stored leads again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow_score.replay.commands import commands
from leadflow_score.replay.replaying import Window, promote, replay
from leadflow_score.rules.handlers import score_leads
from leadflow_score.rules.live import LiveRules, RulesFile
from leadflow_shared.config import ConfigError
from leadflow_shared.db import Database
from leadflow_shared.events import LeadScored
from tests.conftest import EXAMPLE_RULES, Infra, fresh_database
from tests.integration.score.test_rules import T0, FixedClock, verified
from tests.support import handle

NOW = T0 + timedelta(hours=1)


@pytest.fixture(scope="module")
def own(infra_env: Infra) -> Iterator[Infra]:
    with fresh_database(infra_env, ["score"]) as infra:
        yield infra


@pytest.fixture
async def db(own: Infra) -> AsyncIterator[Database]:
    async with own.service_database("score") as database:
        yield database


def edited(tmp_path: Path, old: str, new: str, name: str = "edited.yaml") -> Path:
    text = EXAMPLE_RULES.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


async def live_version(db: Database) -> str | None:
    async with db.unit_of_work() as uow:
        found: str | None = await (await uow.driver()).fetchval(
            "SELECT version FROM score.rule_sets WHERE live"
        )
    return found


async def counts(db: Database) -> tuple[int, int, int]:
    """Outbox rows, history rows, current scores."""
    async with db.unit_of_work() as uow:
        driver = await uow.driver()
        row = await driver.fetchrow(
            "SELECT (SELECT count(*) FROM score.outbox),"
            " (SELECT count(*) FROM score.score_history), (SELECT count(*) FROM score.scores)"
        )
    assert row is not None
    return row[0], row[1], row[2]


async def test_a_bad_rules_file_is_refused_at_start_with_its_line_and_reason(
    db: Database, tmp_path: Path
) -> None:
    bad = edited(tmp_path, "  hot: 60\n", "  hot: sixty\n")
    with pytest.raises(ConfigError, match=r"line \d+: temperature\.hot: Input should be a valid"):
        await LiveRules(bad).start(db.unit_of_work(), NOW)
    unknown = edited(tmp_path, "  newsletter: 1\n", "  newsletter: 1\n  podcast: 3\n", "b.yaml")
    with pytest.raises(ConfigError, match=r"line \d+: intent\.podcast"):
        await LiveRules(unknown).start(db.unit_of_work(), NOW)
    broken = edited(tmp_path, "decay:\n", "decay: [\n", "c.yaml")
    with pytest.raises(ConfigError, match=r"c\.yaml, line \d+: not valid YAML"):
        await LiveRules(broken).start(db.unit_of_work(), NOW)


async def test_replay_shows_the_difference_and_promote_switches_the_scores(
    db: Database, tmp_path: Path
) -> None:
    # the first start makes the settings' file live; a later one with another file does not
    first = LiveRules(EXAMPLE_RULES)
    await first.start(db.unit_of_work(), NOW)
    example = first.version
    assert await live_version(db) == example
    pricing_hot = edited(tmp_path, "  pricing: 20\n", "  pricing: 45\n")
    other = LiveRules(pricing_hot)
    await other.start(db.unit_of_work(), NOW)
    assert other.version == example and await live_version(db) == example

    # leads scored under the example rules: one pricing request that the edit makes hot
    pricing = verified("pricing", title="Engineer", timeline="now")
    newsletter = verified("newsletter", title="Student", email="kim@gmail.com")
    published = await handle(
        db, score_leads, [pricing, newsletter], rules=first, clock=FixedClock(T0)
    )
    before = {e.lead_id: e.data for e in published if isinstance(e, LeadScored)}
    assert before[pricing.lead_id].temperature == "warm"
    outbox, history, current = await counts(db)

    file = RulesFile.read(pricing_hot)
    seen: list[int] = []
    report = await replay(db, file, NOW, Window(), seen.append)
    assert report.leads == 2 and sum(seen) == 2
    assert report.temperature_changes == {("warm", "hot"): 1}
    assert report.deciding_rules["intent.cta"] == 1
    (example_diff,) = report.examples
    assert example_diff.lead_id == pricing.lead_id
    assert ("intent.cta", 20, 45) in example_diff.rules()
    text = "\n".join(report.lines())
    assert "1 would change temperature: warm → hot 1" in text
    assert "intent.cta: +20 → +45" in text
    # nothing live moved, nothing was published
    assert await counts(db) == (outbox, history, current)
    assert await live_version(db) == example
    async with db.unit_of_work() as uow:
        shadow = await (await uow.driver()).fetch(
            "SELECT lead_id, temperature FROM score.replayed_scores WHERE rules_version = $1",
            file.version,
        )
    assert dict(shadow) == {pricing.lead_id: "hot", newsletter.lead_id: "cold"}
    # a window that holds no lead replays none
    empty = await replay(db, file, NOW, Window(since=T0 + timedelta(days=1)))
    assert empty.leads == 0

    result = await promote(db, file.version[:-4], NOW)  # a unique start of the version
    assert result.version == file.version and result.before == example
    assert result.rescored == 2 and result.changed == 1
    assert await live_version(db) == file.version
    outbox_after, history_after, _ = await counts(db)
    assert outbox_after == outbox + 1  # lead.scored for the lead that turned hot
    assert history_after >= history + 1
    # a running consumer follows within its next look
    await first.follow(db.unit_of_work())
    assert first.version == file.version


async def test_promote_refuses_unknown_and_ambiguous_versions(db: Database) -> None:
    with pytest.raises(ConfigError, match="no rules version 'nope@1234' is known"):
        await promote(db, "nope@1234", NOW)


def test_the_replay_command_prints_a_progress_bar_and_the_diff(
    own: Infra, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", own.service_url("score"))
    path = edited(tmp_path, "  hot: 60\n", "  hot: 95\n", "strict.yaml")
    runner = CliRunner()
    result = runner.invoke(commands, ["replay", "--rules", str(path)])
    assert result.exit_code == 0, result.output
    assert "replaying" in result.output and "would change temperature" in result.output
    version = RulesFile.read(path).version
    assert f"leadflow-score promote {version}" in result.output
    bad = runner.invoke(commands, ["replay", "--rules", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2 and "cannot read" in bad.output
    unknown = runner.invoke(commands, ["promote", "nope"])
    assert unknown.exit_code == 2 and "no rules version 'nope' is known" in unknown.output
