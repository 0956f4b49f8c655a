"""rules' queries, a batch at a time: the inputs leads were scored from, what their people
did, their current scores and history, and the rules files known."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadflow_score.rules.domain.scoring import Feedback, Score, Subject, Submission
from leadflow_score.rules.tables import (
    rule_sets,
    score_history,
    score_inputs,
    scores,
)
from leadflow_shared.events.v1 import LeadVerifiedData, ScoreContribution, ScoreTrigger
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork

S = scores.schema


def input_json(lead: LeadVerifiedData) -> str:
    """What is kept of a verified lead to score it again: all but its checks' evidence
    (its findings stay)."""
    return lead.model_copy(update={"checks": ()}).model_dump_json()


@dataclass(frozen=True)
class Current:
    """A lead's current score as stored (enough to tell whether a new one changed it)."""

    score: int
    temperature: str
    status: str


@dataclass(frozen=True)
class Rescored:
    """A score given now, with what it replaces."""

    lead_id: uuid.UUID
    subject: Subject
    score: Score
    trigger: ScoreTrigger
    before: Current | None

    @property
    def changed(self) -> bool:
        """Its temperature or status changed (or it is the lead's first score)."""
        b = self.before
        return b is None or (b.temperature, b.status) != (self.score.temperature, self.score.status)

    @property
    def moved(self) -> bool:
        """Anything a score history shows changed."""
        return self.changed or self.before is None or self.before.score != self.score.score


_ADD_INPUTS = insert_unnest(
    score_inputs,
    {"lead_id": "uuid", "person_id": "uuid", "received_at": "timestamptz", "lead": "json"},
    "ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id",
)

# Each person's leads through the index, person by person (the lateral subquery's OFFSET 0
# keeps the planner from joining the whole table instead: planned from the statistics of a
# young table, "person_id = ANY(…)" was estimated at most of it and read it whole).
ACTIVITY = f"""
    SELECT i.lead_id, i.person_id, i.received_at, i.cta, i.page, i.lead
    FROM unnest($1::uuid[]) WITH ORDINALITY AS k(person_id, n), LATERAL (
        SELECT lead_id, person_id, received_at, lead->'cta'->>'type' AS cta,
               lead->'cta'->>'page_url' AS page,
               CASE WHEN ($2::boolean OR lead_id = ANY($3::uuid[]))
                         AND lead_id <> ALL($4::uuid[])
                    THEN lead::text END AS lead
        FROM "{S}".score_inputs WHERE person_id = k.person_id OFFSET 0) i
    ORDER BY k.n, i.received_at, i.lead_id
"""
# One lock per person (their first lead's id), taken before anything of theirs is read:
# the stage, feedback, decay and promote score a person's leads one transaction at a time.
# Taken in a fixed order, so that two transactions never wait on each other.
PERSON_LOCKS = 0x5C0E  # the advisory lock class of score's people
_LOCK_PERSONS = f"""
    SELECT pg_advisory_xact_lock({PERSON_LOCKS}, k)
    FROM (SELECT DISTINCT hashtext(p::text) AS k FROM unnest($1::uuid[]) p ORDER BY k) s
"""
_TRY_LOCK_PERSONS = f"""
    SELECT p FROM unnest($1::uuid[]) p
    WHERE pg_try_advisory_xact_lock({PERSON_LOCKS}, hashtext(p::text))
"""
# Person by person through the index, as ACTIVITY.
_FEEDBACK = f"""
    SELECT f.lead_id, f.person_id, f.outcome, f.reported_at
    FROM unnest($1::uuid[]) AS k(person_id), LATERAL (
        SELECT lead_id, person_id, outcome, reported_at
        FROM "{S}".feedback WHERE person_id = k.person_id OFFSET 0) f
"""
_PERSONS = f"""
    SELECT lead_id, person_id FROM "{S}".score_inputs WHERE lead_id = ANY($1::uuid[])
"""
_CURRENT = f"""
    SELECT lead_id, score, temperature, status FROM "{S}".scores WHERE lead_id = ANY($1::uuid[])
"""
# What a score is made of, as the current score and each history entry store it.
_SCORE = {
    "lead_id": "uuid",
    "score": "integer",
    "fit": "integer",
    "engagement": "integer",
    "temperature": "text",
    "status": "text",
    "status_reason": "text",
    "explanation": "json",
    "rules_version": "text",
    "trigger": "text",
}
_UPDATED = [c for c in (*_SCORE, "scored_at", "recheck_at") if c != "lead_id"]
_UPSERT = insert_unnest(
    scores,
    {**_SCORE, "scored_at": "timestamptz", "recheck_at": "timestamptz"},
    "ON CONFLICT (lead_id) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _UPDATED),
)
_HISTORY = insert_unnest(
    score_history, {**_SCORE, "published": "boolean", "scored_at": "timestamptz"}
)
_ADD_FEEDBACK = f"""
    INSERT INTO "{S}".feedback (event_id, lead_id, person_id, outcome, reported_at)
    SELECT f.event_id, f.lead_id, coalesce(i.person_id, f.lead_id), f.outcome, f.reported_at
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
        AS f(event_id, lead_id, outcome, reported_at)
    LEFT JOIN "{S}".score_inputs i ON i.lead_id = f.lead_id
    ON CONFLICT (event_id) DO NOTHING
    RETURNING lead_id, person_id
"""


def explanation_json(score: Score) -> str:
    return to_json(list(score.explanation)).decode()


class ScoreRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add_inputs(
        self, leads: Sequence[tuple[uuid.UUID, uuid.UUID, LeadVerifiedData]]
    ) -> set[uuid.UUID]:
        """Keep what each (lead id, person id, lead) was scored from, in one statement;
        returns the leads new now (a lead seen before is not among them)."""
        return await self.uow.returned(
            _ADD_INPUTS,
            [lead_id for lead_id, _, _ in leads],
            [person for _, person, _ in leads],
            [lead.received_at for _, _, lead in leads],
            [input_json(lead) for _, _, lead in leads],
        )

    async def persons_of(self, lead_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        driver = await self.uow.driver()
        return {row[0]: row[1] for row in await driver.fetch(_PERSONS, list(lead_ids))}

    async def add_feedback(
        self, rows: Sequence[tuple[uuid.UUID, uuid.UUID, str, datetime]]
    ) -> dict[uuid.UUID, uuid.UUID]:
        """Keep each (event id, lead id, outcome, reported at); returns the person of each
        lead that got new feedback."""
        if not rows:
            return {}
        found = await (await self.uow.driver()).fetch(
            _ADD_FEEDBACK,
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[3] for r in rows],
        )
        return {row[0]: row[1] for row in found}

    async def lock_persons(self, persons: Iterable[uuid.UUID]) -> None:
        """Wait for each person's lock (held until the transaction ends)."""
        await (await self.uow.driver()).execute(_LOCK_PERSONS, list(set(persons)))

    async def try_lock_persons(self, persons: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """The persons whose lock this transaction could take at once (others hold the rest)."""
        return await self.uow.returned(_TRY_LOCK_PERSONS, list(set(persons)))

    async def subjects(
        self,
        persons: Iterable[uuid.UUID],
        known: dict[uuid.UUID, LeadVerifiedData] | None = None,
        only: Iterable[uuid.UUID] | None = None,
    ) -> dict[uuid.UUID, Subject]:
        """The subjects of ``persons``' leads (``only`` these leads, when given), each with
        its person's other submissions and the feedback on their leads; ``known``: leads
        whose input the caller has. Two statements, whatever the number of people. In the
        order of ``persons``, each person's leads oldest first."""
        persons = list(dict.fromkeys(persons))
        known = known or {}
        if not persons:
            return {}
        wanted = None if only is None else set(only)
        load = [] if wanted is None else [w for w in wanted if w not in known]
        driver = await self.uow.driver()
        rows = await driver.fetch(ACTIVITY, persons, wanted is None, load, list(known))
        feedback_rows = await driver.fetch(_FEEDBACK, persons)
        by_person: dict[uuid.UUID, list[Submission]] = defaultdict(list)
        leads: dict[uuid.UUID, tuple[uuid.UUID, LeadVerifiedData]] = {}
        for lead_id, person, at, cta, page, lead in rows:
            by_person[person].append(Submission(lead_id, at, cta or "other", page))
            if wanted is not None and lead_id not in wanted:
                continue
            if lead_id in known:
                leads[lead_id] = (person, known[lead_id])
            elif lead is not None:
                leads[lead_id] = (person, LeadVerifiedData.model_validate_json(lead))
        said: dict[uuid.UUID, list[Feedback]] = defaultdict(list)
        for lead_id, person, outcome, at in feedback_rows:
            said[person].append(Feedback(lead_id, at, outcome))
        return {
            lead_id: Subject(
                lead_id=lead_id,
                lead=lead,
                others=tuple(s for s in by_person[person] if s.lead_id != lead_id),
                feedback=tuple(said[person]),
            )
            for lead_id, (person, lead) in leads.items()
        }

    async def current(self, lead_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Current]:
        driver = await self.uow.driver()
        rows = await driver.fetch(_CURRENT, list(lead_ids))
        return {row[0]: Current(row[1], row[2], row[3]) for row in rows}

    async def save(
        self,
        given: Sequence[Rescored],
        now: datetime,
        recheck_at: Sequence[datetime | None],
    ) -> None:
        """Each lead's score becomes its current one (one statement); those that moved go
        to its history (one more)."""
        if not given:
            return
        explanations = [explanation_json(r.score) for r in given]
        await (await self.uow.driver()).execute(
            _UPSERT,
            [r.lead_id for r in given],
            [r.score.score for r in given],
            [r.score.fit for r in given],
            [r.score.engagement for r in given],
            [r.score.temperature for r in given],
            [r.score.status for r in given],
            [r.score.status_reason for r in given],
            explanations,
            [r.score.rules_version for r in given],
            [r.trigger for r in given],
            [now] * len(given),
            list(recheck_at),
        )
        moved = [(r, e) for r, e in zip(given, explanations, strict=True) if r.moved]
        if moved:
            await (await self.uow.driver()).execute(
                _HISTORY,
                [r.lead_id for r, _ in moved],
                [r.score.score for r, _ in moved],
                [r.score.fit for r, _ in moved],
                [r.score.engagement for r, _ in moved],
                [r.score.temperature for r, _ in moved],
                [r.score.status for r, _ in moved],
                [r.score.status_reason for r, _ in moved],
                [e for _, e in moved],
                [r.score.rules_version for r, _ in moved],
                [r.trigger for r, _ in moved],
                [r.changed for r, _ in moved],
                [now] * len(moved),
            )

    async def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Leads whose engagement may have decayed since they were scored, oldest first
        (their people's locks decide who re-scores them)."""
        stmt = (
            sa.select(scores.c.lead_id)
            .where(scores.c.recheck_at <= now)
            .order_by(scores.c.recheck_at)
            .limit(limit)
        )
        return list((await self.uow.session.execute(stmt)).scalars())

    # --- the read API's ---------------------------------------------------------------

    async def get(self, lead_id: uuid.UUID) -> dict[str, Any] | None:
        row = (
            await self.uow.session.execute(sa.select(scores).where(scores.c.lead_id == lead_id))
        ).first()
        return None if row is None else dict(row._mapping)

    async def history(self, lead_id: uuid.UUID) -> list[dict[str, Any]]:
        stmt = (
            sa.select(score_history)
            .where(score_history.c.lead_id == lead_id)
            .order_by(score_history.c.id)
        )
        return [dict(row._mapping) for row in await self.uow.session.execute(stmt)]


def contributions(raw: Sequence[dict[str, Any]]) -> list[ScoreContribution]:
    return [ScoreContribution.model_validate(c) for c in raw]


_LIVE = f'SELECT version FROM "{S}".rule_sets WHERE live'
_LIVE_SHARED = _LIVE + " FOR SHARE"
RULES_LOCK = 0x5C0F  # the advisory lock class of changes to the live rules
_LOCK_RULES = f"SELECT pg_advisory_xact_lock({RULES_LOCK}, 0)"


@dataclass(frozen=True)
class StoredRules:
    version: str
    name: str
    source: str
    origin: str
    live: bool
    promoted_at: datetime | None


class RuleSetRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def register(
        self, version: str, name: str, content_hash: str, source: str, origin: str
    ) -> bool:
        """Keep a rules file under its version; False when that version was known."""
        stmt = (
            pg_insert(rule_sets)
            .values(
                version=version, name=name, content_hash=content_hash, source=source, origin=origin
            )
            .on_conflict_do_nothing(index_elements=["version"])
            .returning(rule_sets.c.version)
        )
        return (await self.uow.session.execute(stmt)).first() is not None

    async def get(self, version: str) -> StoredRules | None:
        row = (
            await self.uow.session.execute(
                sa.select(rule_sets).where(rule_sets.c.version == version)
            )
        ).first()
        return None if row is None else _stored(row)

    async def matching(self, prefix: str) -> list[StoredRules]:
        """Rules whose version is ``prefix`` or starts with it, or whose name is it; the
        most recently registered first."""
        stmt = (
            sa.select(rule_sets)
            .where(
                sa.or_(
                    rule_sets.c.version == prefix,
                    rule_sets.c.version.startswith(prefix, autoescape=True),
                    rule_sets.c.name == prefix,
                )
            )
            .order_by(rule_sets.c.registered_at.desc(), rule_sets.c.version)
        )
        return [_stored(row) for row in await self.uow.session.execute(stmt)]

    async def live(self) -> StoredRules | None:
        row = (await self.uow.session.execute(sa.select(rule_sets).where(rule_sets.c.live))).first()
        return None if row is None else _stored(row)

    async def live_version(self, share: bool = False) -> str | None:
        """The live version; with ``share``, its row stays share-locked until the
        transaction ends (a promotion waits for it)."""
        sql = _LIVE_SHARED if share else _LIVE
        found: str | None = await (await self.uow.driver()).fetchval(sql)
        return found

    async def lock_rules(self) -> None:
        """Take the lock that one change of the live rules at a time holds (a first start,
        a promotion), until the transaction ends."""
        await (await self.uow.driver()).execute(_LOCK_RULES)

    async def promote(self, version: str, now: datetime) -> None:
        """``version`` becomes the live rules (the one live before stops being so); waits
        for the transactions scoring under the rules live now."""
        await self.lock_rules()
        await self.uow.session.execute(
            sa.update(rule_sets).where(rule_sets.c.live).values(live=False)
        )
        await self.uow.session.execute(
            sa.update(rule_sets)
            .where(rule_sets.c.version == version)
            .values(live=True, promoted_at=now)
        )


def _stored(row: Any) -> StoredRules:
    return StoredRules(row.version, row.name, row.source, row.origin, row.live, row.promoted_at)
