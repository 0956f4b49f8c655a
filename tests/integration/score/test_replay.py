"""Versioned rules on real Postgres, in a database of their own (promoting changes what is
live for every consumer of a database): the consumer's start-up registers its rules file
and makes it live only when nothing is; a replay under edited rules writes the shadow
table and reports what would change without touching live scores or publishing; promote
makes the rules live and scores the stored leads again."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow_local.processes import service_command
from leadflow_score.replay.commands import commands
from leadflow_score.replay.replaying import Window, promote, replay, resolve
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

    result = await promote(db, await resolve(db, file.version[:-4]), NOW)  # a unique start
    assert result.version == file.version and result.before == example
    assert result.rescored == 2 and result.changed == 1
    assert await live_version(db) == file.version
    outbox_after, history_after, _ = await counts(db)
    assert outbox_after == outbox + 1  # lead.scored for the lead that turned hot
    assert history_after >= history + 1
    # a running consumer scores its next batch with them
    async with db.unit_of_work() as uow:
        rules, version = await first.current(uow)
    assert version == file.version == first.version and rules.intent["pricing"] == 45


async def test_promote_refuses_unknown_and_ambiguous_versions(db: Database) -> None:
    with pytest.raises(ConfigError, match="no rules version 'nope@1234' is known"):
        await resolve(db, "nope@1234")


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


async def test_a_window_replays_only_the_leads_received_in_it(db: Database, tmp_path: Path) -> None:
    live = LiveRules(EXAMPLE_RULES)
    await live.start(db.unit_of_work(), NOW)
    day = T0 + timedelta(days=400)  # a day no other test's leads were received on
    early = verified("pricing", title="Engineer", at=day)
    late = verified("pricing", title="Engineer", at=day + timedelta(hours=12))
    await handle(db, score_leads, [early, late], rules=live, clock=FixedClock(day))
    file = RulesFile.read(edited(tmp_path, "  pricing: 20\n", "  pricing: 25\n", "w.yaml"))
    morning = Window(since=day, until=day + timedelta(hours=12))  # until is exclusive
    report = await replay(db, file, NOW, morning)
    assert report.leads == 1
    async with db.unit_of_work() as uow:
        shadow = await (await uow.driver()).fetch(
            "SELECT lead_id FROM score.replayed_scores WHERE rules_version = $1", file.version
        )
    assert [row[0] for row in shadow] == [early.lead_id]


async def test_promote_finds_a_version_by_its_start_or_its_name_and_can_leave_scores(
    db: Database, tmp_path: Path
) -> None:
    a = RulesFile.read(edited(tmp_path, "name: example", "name: spring", "a.yaml"))
    text = (tmp_path / "a.yaml").read_text().replace("  webinar: 5\n", "  webinar: 6\n")
    b_path = tmp_path / "b.yaml"
    b_path.write_text(text)
    b = RulesFile.read(b_path)
    for file in (a, b):
        async with db.unit_of_work() as uow:
            await file.register(uow)
            await uow.commit()
    assert (await resolve(db, "spring")).version == b.version  # the latest of that name
    assert (await resolve(db, a.version)).version == a.version
    with pytest.raises(ConfigError, match="names several rules versions"):
        await resolve(db, "spring@")
    outbox, history, current = await counts(db)
    result = await promote(db, await resolve(db, a.version), NOW, rescore=False)
    assert result.rescored == 0 and await live_version(db) == a.version
    assert await counts(db) == (outbox, history, current)  # no score moved


def test_a_bad_rules_file_stops_the_consumer_at_once_with_exit_code_2(
    own: Infra, tmp_path: Path
) -> None:
    bad = edited(tmp_path, "  hot: 60\n", "  hot: sixty\n", "bad.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
    env.update(
        LEADFLOW_DATABASE_URL=own.service_url("score"),
        LEADFLOW_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1",  # nothing there: it never gets that far
        LEADFLOW_SCORE_RULES_FILE=str(bad),
    )
    done = subprocess.run(
        service_command("score", "consumer"), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    line = _line_of("hot: sixty", bad)
    assert f"error: {bad} is invalid: line {line}: temperature.hot:" in done.stderr


def _line_of(marker: str, path: Path) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text)
