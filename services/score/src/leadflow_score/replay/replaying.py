"""Replaying stored leads under a rules file, and promoting a rules version.

A replay reads the stored inputs of every lead (or of those received in a time window), a
chunk at a time in lead-id order, scores each under the live rules and under the new ones
as of the same moment, writes the new scores to the shadow table ``replayed_scores`` and
counts what would change. It publishes nothing and leaves live scores alone.

Promoting makes a version live (consumers follow within seconds) and, unless asked not
to, scores every stored lead again under it: their current scores and histories change,
and ``lead.scored`` goes out (through the outbox) for each lead whose temperature or
status changed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow_score.replay.domain import Difference, ReplayReport, setting_changes
from leadflow_score.rules.domain.ruleset import RuleSet
from leadflow_score.rules.domain.scoring import score
from leadflow_score.rules.handlers import rescore_leads
from leadflow_score.rules.live import RulesFile, stored_rules
from leadflow_score.rules.repository import (
    Rescored,
    RuleSetRepository,
    ScoreRepository,
    StoredRules,
    explanation_json,
)
from leadflow_score.rules.tables import replayed_scores, score_inputs
from leadflow_shared.config import ConfigError
from leadflow_shared.db import Database
from leadflow_shared.retry import Backoff, is_transient
from leadflow_shared.sql import insert_unnest

CHUNK = 1000
Progress = Callable[[int], None]
S = score_inputs.schema

_COUNT = f"""
    SELECT count(*) FROM "{S}".score_inputs
    WHERE received_at >= coalesce($1::timestamptz, '-infinity')
      AND received_at < coalesce($2::timestamptz, 'infinity')
"""
_CHUNK = f"""
    SELECT lead_id, person_id FROM "{S}".score_inputs
    WHERE lead_id > $1 AND received_at >= coalesce($2::timestamptz, '-infinity')
      AND received_at < coalesce($3::timestamptz, 'infinity')
    ORDER BY lead_id LIMIT $4
"""
_FORGET = f'DELETE FROM "{S}".replayed_scores WHERE rules_version = $1'
_SHADOW = insert_unnest(
    replayed_scores,
    {
        "rules_version": "text",
        "lead_id": "uuid",
        "score": "integer",
        "fit": "integer",
        "engagement": "integer",
        "temperature": "text",
        "status": "text",
        "explanation": "json",
        "replayed_at": "timestamptz",
    },
)
_ZERO = uuid.UUID(int=0)


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None


async def count(db: Database, window: Window) -> int:
    async with db.unit_of_work() as uow:
        found: int = await (await uow.driver()).fetchval(_COUNT, window.since, window.until)
    return found


async def _live(db: Database) -> tuple[StoredRules, RuleSet]:
    async with db.unit_of_work() as uow:
        live = await RuleSetRepository(uow).live()
    if live is None:
        raise ConfigError("no rules are live yet: start the score consumer once, or promote")
    return live, stored_rules(live)


async def replay(
    db: Database,
    file: RulesFile,
    now: datetime,
    window: Window = Window(),
    progress: Progress = lambda _: None,
) -> ReplayReport:
    """Score the stored leads in ``window`` under ``file``'s rules into the shadow table."""
    live_stored, live = await _live(db)
    async with db.unit_of_work() as uow:
        await file.register(uow)
        await (await uow.driver()).execute(_FORGET, file.version)
        await uow.commit()
    started = time.perf_counter()
    report = ReplayReport(
        version=file.version,
        live_version=live_stored.version,
        settings=setting_changes(live, file.rules),
    )
    after = _ZERO
    while True:
        async with db.unit_of_work() as uow:
            driver = await uow.driver()
            rows = await driver.fetch(_CHUNK, after, window.since, window.until, CHUNK)
            if not rows:
                break
            persons = {row[0]: row[1] for row in rows}
            subjects = await ScoreRepository(uow).subjects(persons.values(), only=persons)
            shadow = []
            for lead_id in persons:
                subject = subjects.get(lead_id)
                if subject is None:
                    continue
                difference = Difference(
                    lead_id,
                    score(subject, live, now, live_stored.version),
                    score(subject, file.rules, now, file.version),
                )
                report.add(difference)
                shadow.append(difference.replayed)
            given = [lead_id for lead_id in persons if lead_id in subjects]
            await driver.execute(
                _SHADOW,
                [file.version] * len(shadow),
                given,
                [s.score for s in shadow],
                [s.fit for s in shadow],
                [s.engagement for s in shadow],
                [s.temperature for s in shadow],
                [s.status for s in shadow],
                [explanation_json(s) for s in shadow],
                [now] * len(shadow),
            )
            await uow.commit()
        after = rows[-1][0]
        progress(len(rows))
    report.seconds = time.perf_counter() - started
    return report


async def resolve(db: Database, wanted: str) -> StoredRules:
    """The rules version ``wanted`` names: a whole version, the start of exactly one, or a
    rules name (its most recently registered version)."""
    async with db.unit_of_work() as uow:
        found = await RuleSetRepository(uow).matching(wanted)
    exact = [r for r in found if r.version == wanted]
    if exact:
        return exact[0]
    if not found:
        raise ConfigError(
            f"no rules version {wanted!r} is known: replay its file first "
            "(leadflow-score replay --rules FILE)"
        )
    if all(r.name == wanted for r in found):
        return found[0]  # a rules name: its most recently registered version
    if len(found) > 1:
        names = ", ".join(sorted(r.version for r in found))
        raise ConfigError(f"{wanted!r} names several rules versions: {names}; give one whole")
    return found[0]


@dataclass(frozen=True)
class PromoteReport:
    version: str
    before: str | None
    rescored: int
    changed: int
    seconds: float  # re-scoring the stored leads


TRIES = 5


async def promote(
    db: Database,
    stored: StoredRules,
    now: datetime,
    rescore: bool = True,
    progress: Progress = lambda _: None,
) -> PromoteReport:
    """Make ``stored`` live (once the transactions scoring under the rules live now have
    ended), then score every stored lead again under it, a chunk per transaction; a chunk
    that meets an outage is tried again (``TRIES`` times)."""
    rules = stored_rules(stored)
    async with db.unit_of_work() as uow:
        repository = RuleSetRepository(uow)
        before = await repository.live_version()
        await repository.promote(stored.version, now)
        await uow.commit()
    rescored = changed = 0
    after = _ZERO
    started = time.perf_counter()
    while rescore:
        rows, given = await _rescore_chunk(db, after, rules, stored.version, now)
        if not rows:
            break
        rescored += len(given)
        changed += sum(r.changed for r in given)
        after = rows[-1][0]
        progress(len(rows))
    return PromoteReport(stored.version, before, rescored, changed, time.perf_counter() - started)


async def _rescore_chunk(
    db: Database, after: uuid.UUID, rules: RuleSet, version: str, now: datetime
) -> tuple[list[Any], list[Rescored]]:
    backoff = Backoff(initial_s=0.5, maximum_s=10.0)
    for attempt in range(1, TRIES + 1):
        try:
            async with db.unit_of_work() as uow:
                rows = await (await uow.driver()).fetch(_CHUNK, after, None, None, CHUNK // 2)
                if not rows:
                    return [], []
                given = await rescore_leads(
                    uow, [row[0] for row in rows], "promote", rules, version, now
                )
                await uow.commit()
            return list(rows), given
        except Exception as exc:
            if not is_transient(exc) or attempt == TRIES:
                raise PromoteUnfinished(version) from exc
            await asyncio.sleep(backoff.next_delay())
    raise AssertionError("unreachable")


class PromoteUnfinished(ConfigError):
    """The rules are live, and re-scoring the stored leads stopped part way."""

    def __init__(self, version: str) -> None:
        super().__init__(
            f"the rules {version} are live, but scoring the stored leads again stopped part "
            f"way (see the cause above); run `leadflow-score promote {version}` again to finish"
        )
