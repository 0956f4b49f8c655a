"""rules' use cases: scoring verified leads, re-scoring a person's leads when they do
something new (a repeat submission, feedback), and re-scoring leads by id (decay, promoted
rules). ``lead.scored`` goes out for a lead's first score and whenever its temperature or
status changes; every score that moves is kept in the lead's history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from leadflow_score import NAME
from leadflow_score.rules.domain.ruleset import RuleSet
from leadflow_score.rules.domain.scoring import Score, Subject, score
from leadflow_score.rules.live import LiveRules
from leadflow_score.rules.repository import Rescored, ScoreRepository
from leadflow_shared.events import (
    LeadScored,
    LeadScoredData,
    LeadVerified,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.events.envelope import Envelope, first_per_lead
from leadflow_shared.events.v1 import LeadFeedback, LeadVerifiedData, ScoreTrigger
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork


async def score_leads(
    uow: UnitOfWork, events: Sequence[LeadVerified], *, rules: LiveRules, clock: Clock
) -> None:
    """Score a batch of verified leads, each with what its person did before (verify links
    a repeat to the person's first lead by ``duplicate_of``), and score that person's other
    leads again at once: a repeat is new activity for them, whichever arrived first. A lead
    seen before (under another event id) is not scored twice."""
    repository = ScoreRepository(uow)
    candidates = first_per_lead(events)
    person_of = {e.lead_id: e.data.duplicate_of or e.lead_id for e in candidates}
    await repository.lock_persons(person_of.values())
    stored = await repository.add_inputs(
        [(e.lead_id, person_of[e.lead_id], e.data) for e in candidates]
    )
    new = [e for e in candidates if e.lead_id in stored]
    if not new:
        return
    known = {e.lead_id: e.data for e in new}
    subjects = await repository.subjects([person_of[e.lead_id] for e in new], known=known)
    causes: dict[uuid.UUID, Envelope] = {e.lead_id: e for e in new}
    latest = {person_of[e.lead_id]: e for e in new}  # each person's newest lead of the batch
    triggers: dict[uuid.UUID, ScoreTrigger] = {}
    for lead_id, subject in subjects.items():
        if lead_id in causes:
            triggers[lead_id] = "verified"
        else:  # another lead of a person who just sent one
            triggers[lead_id] = "activity"
            causes[lead_id] = latest[subject.lead.duplicate_of or lead_id]
    live, version = await rules.current(uow)
    await rescore(uow, subjects, triggers, live, version, clock.now(), causes)


async def take_feedback(
    uow: UnitOfWork, events: Sequence[LeadFeedback], *, rules: LiveRules, clock: Clock
) -> None:
    """Keep what reps and partners reported, and score every lead of those people again."""
    repository = ScoreRepository(uow)
    person_of = await repository.add_feedback(
        [(e.id, e.lead_id, e.data.outcome, e.data.reported_at) for e in events]
    )
    if not person_of:
        return
    await repository.lock_persons(person_of.values())
    subjects = await repository.subjects(person_of.values())
    latest: dict[uuid.UUID, Envelope] = {
        person_of[e.lead_id]: e for e in events if e.lead_id in person_of
    }
    causes = {
        lead_id: latest[subject.lead.duplicate_of or lead_id]
        for lead_id, subject in subjects.items()
        if (subject.lead.duplicate_of or lead_id) in latest
    }
    triggers: dict[uuid.UUID, ScoreTrigger] = dict.fromkeys(subjects, "activity")
    live, version = await rules.current(uow)
    await rescore(uow, subjects, triggers, live, version, clock.now(), causes)


async def rescore_leads(
    uow: UnitOfWork,
    lead_ids: Iterable[uuid.UUID],
    trigger: ScoreTrigger,
    rules: RuleSet,
    version: str,
    now: datetime,
    *,
    wait: bool = True,
) -> list[Rescored]:
    """Score these leads again from their stored inputs (decay, promoted rules). With
    ``wait=False`` the leads of people another transaction is scoring are left out."""
    repository = ScoreRepository(uow)
    persons = await repository.persons_of(list(lead_ids))
    if wait:
        await repository.lock_persons(persons.values())
    else:
        locked = await repository.try_lock_persons(persons.values())
        persons = {lead: person for lead, person in persons.items() if person in locked}
    subjects = await repository.subjects(persons.values(), only=persons)
    triggers: dict[uuid.UUID, ScoreTrigger] = dict.fromkeys(subjects, trigger)
    return await rescore(uow, subjects, triggers, rules, version, now, {})


async def rescore(
    uow: UnitOfWork,
    subjects: Mapping[uuid.UUID, Subject],
    triggers: Mapping[uuid.UUID, ScoreTrigger],
    rules: RuleSet,
    version: str,
    now: datetime,
    causes: Mapping[uuid.UUID, Envelope],
) -> list[Rescored]:
    """Score ``subjects`` as of ``now``, store the scores (one statement, one more for the
    history) and publish those whose temperature or status changed."""
    if not subjects:
        return []
    repository = ScoreRepository(uow)
    current = await repository.current(list(subjects))
    given = [
        Rescored(
            lead_id,
            subject,
            score(subject, rules, now, version),
            triggers[lead_id],
            current.get(lead_id),
        )
        for lead_id, subject in subjects.items()
    ]
    recheck = timedelta(hours=rules.decay.recheck_every_hours)
    await repository.save(
        given, now, [now + recheck if _may_decay(r.score) else None for r in given]
    )
    for r in given:
        if r.changed:
            _publish(uow, r, causes.get(r.lead_id))
    return given


def _may_decay(given: Score) -> bool:
    """Positive engagement points left to fade."""
    return any(c.part == "engagement" and c.points > 0 for c in given.explanation)


def _publish(uow: UnitOfWork, given: Rescored, cause: Envelope | None) -> None:
    s = given.score
    scored = LeadScored(
        **new_envelope_fields(producer=NAME, lead_id=given.lead_id, cause=cause),
        data=LeadScoredData(
            score=s.score,
            fit=s.fit,
            engagement=s.engagement,
            temperature=s.temperature,
            status=s.status,
            status_reason=s.status_reason,
            explanation=s.public_explanation(),
            rules_version=s.rules_version,
            trigger=given.trigger,
            # the lead without its checks' evidence, whatever the trigger: routing needs
            # none of it, and verify's report has it (GET /v1/verifications/{lead_id})
            lead=_without_checks(given.subject.lead),
        ),
    )
    uow.publish(Topics.SCORED, scored)


def _without_checks(lead: LeadVerifiedData) -> LeadVerifiedData:
    return lead if not lead.checks else lead.model_copy(update={"checks": ()})
