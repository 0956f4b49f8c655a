"""contact's stage handler: verifying captured leads a batch at a time."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from leadflow_shared.events import (
    Check,
    LeadCaptured,
    LeadRejected,
    LeadRejectedData,
    LeadVerified,
    LeadVerifiedData,
    Topics,
    new_envelope_fields,
)
from leadflow_shared.events.envelope import first_per_lead
from leadflow_shared.events.v1 import Cta
from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.uow import UnitOfWork
from leadflow_shared.urls import web_url
from leadflow_verify import NAME
from leadflow_verify.contact.dns import (
    MailDomainResolver,
    OfflineMailDomainResolver,
    domain_check,
)
from leadflow_verify.contact.domain.checks import (
    DEFAULT_POLICY,
    examine_emails,
    repeat,
    verify_submission,
)
from leadflow_verify.contact.domain.email import EmailExamination
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.contact.domain.verdict import SUPPRESSED, Verdict
from leadflow_verify.contact.repository import Verification, VerificationRepository
from leadflow_verify.dedupe.domain.identity import Link, identity_of, link_repeats
from leadflow_verify.dedupe.repository import PeopleRepository
from leadflow_verify.opt_in.domain.confirmation import Confirmation, awaiting, confirmable
from leadflow_verify.opt_in.domain.policy import DEFAULT_DOUBLE_OPT_IN, DoubleOptIn
from leadflow_verify.opt_in.handlers import hold
from leadflow_verify.opt_in.repository import Held
from leadflow_verify.suppression.domain import entries_of
from leadflow_verify.suppression.repository import SuppressionRepository

log = get_logger(__name__)
OFFLINE = OfflineMailDomainResolver()
SYSTEM_CLOCK = Clock()


async def verify_leads(
    uow: UnitOfWork,
    events: Sequence[LeadCaptured],
    *,
    policy: VerificationPolicy = DEFAULT_POLICY,
    mail: MailDomainResolver = OFFLINE,
    double_opt_in: DoubleOptIn = DEFAULT_DOUBLE_OPT_IN,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Check a batch of captured leads, link repeats to their person's first lead, and
    store the verdicts (one statement each); publish ``lead.verified`` (verified or sent
    to review) or ``lead.rejected`` for each lead verified now. A lead verified before,
    under another event id, keeps its first verdict and publishes nothing twice.

    An accepted lead whose source asks for double opt-in publishes nothing yet: it is held
    (``awaiting_confirmation``) with the ``lead.verified`` it will publish once its email
    address is confirmed; without a valid address it is rejected."""
    captured = first_per_lead(events)
    emails = examine_emails(event.data.submission for event in captured)
    mail_domains = await _mail_domains(mail, emails.values())
    verdicts = await _unless_suppressed(
        uow,
        [
            verify_submission(event.data.submission, policy, mail_domains, emails)
            for event in captured
        ],
    )
    verdicts = [
        confirmable(verdict) if event.data.double_opt_in else verdict
        for event, verdict in zip(captured, verdicts, strict=True)
    ]
    # a held lead is nobody's first lead until it is confirmed (opt_in adds it then)
    held = {
        event.lead_id
        for event, verdict in zip(captured, verdicts, strict=True)
        if event.data.double_opt_in and verdict.accepted
    }
    people = PeopleRepository(uow)
    identities = [
        identity_of(event.lead_id, verdict.contact)
        for event, verdict in zip(captured, verdicts, strict=True)
        if verdict.accepted
    ]
    links = (
        link_repeats(identities, await people.candidates(identities), unseen=held)
        if identities
        else {}
    )
    verifications = [
        _linked(event.lead_id, event.occurred_at, verdict, links.get(event.lead_id))
        for event, verdict in zip(captured, verdicts, strict=True)
    ]
    stored = await VerificationRepository(uow).add_new(
        [replace(v, verdict=awaiting(v.verdict)) if v.lead_id in held else v for v in verifications]
    )
    await people.add(
        [
            (i, links[i.lead_id].first_lead_id if i.lead_id in links else i.lead_id)
            for i in identities
            if i.lead_id in stored and i.lead_id not in held
        ]
    )
    holding: list[Held] = []
    now = clock.now()
    for event, verification in zip(captured, verifications, strict=True):
        if event.lead_id not in stored:
            continue
        if event.lead_id in held:
            holding.append(_held(event, verification, double_opt_in, now))
        else:
            _publish(uow, event, verification)
    await hold(uow, holding, policy=double_opt_in, now=now)


async def _unless_suppressed(uow: UnitOfWork, verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts, each lead whose address, domain or phone is on the do-not-contact list
    rejected as suppressed (one statement for the batch)."""
    entries = {i: entries_of(v.contact) for i, v in enumerate(verdicts)}
    listed = await SuppressionRepository(uow).matching(
        sorted({e for found in entries.values() for e in found})
    )
    if not listed:
        return verdicts
    return [
        SUPPRESSED if any(e in listed for e in entries.get(i, ())) else v
        for i, v in enumerate(verdicts)
    ]


async def _mail_domains(
    mail: MailDomainResolver, emails: Iterable[EmailExamination]
) -> dict[str, Check]:
    """Whether each email domain of the batch receives mail: every domain asked once, all
    at the same time, each within the resolver's timeout."""
    domains = {e.ascii_domain for e in emails if e.valid and e.ascii_domain}
    if not domains:
        return {}
    answers = await mail.mail_hosts(domains)
    return {domain: domain_check(answer) for domain, answer in answers.items()}


def _linked(lead_id: uuid.UUID, at: datetime, verdict: Verdict, link: Link | None) -> Verification:
    if link is None:
        return Verification(lead_id, verdict, at)
    return Verification(lead_id, repeat(verdict, link.match), at, link.first_lead_id, link.match)


def _held(
    event: LeadCaptured, verification: Verification, policy: DoubleOptIn, now: datetime
) -> Held:
    """A lead to hold until its email address is confirmed, with the ``lead.verified`` data
    it will publish then."""
    data = _verified(event, verification)
    assert data.contact.email is not None  # a lead without one cannot be held (confirmable)
    confirmation = Confirmation(
        lead_id=event.lead_id,
        source_id=event.data.source_id,
        email=data.contact.email,
        held=data,
        requested_at=now,
        expires_at=now + policy.window(event.data.source_id),
    )
    return Held(confirmation, correlation_id=event.correlation_id, causation_id=event.id)


def _publish(uow: UnitOfWork, event: LeadCaptured, verification: Verification) -> None:
    verdict = verification.verdict
    envelope = new_envelope_fields(producer=NAME, lead_id=event.lead_id, cause=event)
    captured = event.data
    if not verdict.accepted:
        log.info(
            "lead rejected", lead_id=str(event.lead_id), reasons=[r.code for r in verdict.reasons]
        )
        rejected = LeadRejected(
            **envelope,
            data=LeadRejectedData(
                source_id=captured.source_id,
                reasons=verdict.reasons,
                checks=verdict.checks,
                received_at=captured.context.received_at,
            ),
        )
        uow.publish(Topics.REJECTED, rejected)
        return
    uow.publish(Topics.VERIFIED, LeadVerified(**envelope, data=_verified(event, verification)))


def _verified(event: LeadCaptured, verification: Verification) -> LeadVerifiedData:
    verdict = verification.verdict
    captured = event.data
    submission = captured.submission
    return LeadVerifiedData(
        source_id=captured.source_id,
        contact=verdict.contact,
        checks=verdict.checks,
        cta=safe_cta(submission.cta),
        utm=submission.utm,
        consent=submission.consent,
        bant=submission.bant,
        message=submission.message,
        custom=submission.custom,
        received_at=captured.context.received_at,
        outcome="needs_review" if verdict.outcome == "needs_review" else "verified",
        review_reasons=verdict.review_reasons,
        findings=verdict.findings,
        duplicate_of=verification.duplicate_of,
        duplicate_match=verification.duplicate_match,
    )


def safe_cta(cta: Cta) -> Cta:
    """The call to action without a page address that is no http(s) URL (its check says
    it was dropped)."""
    page = web_url(cta.page_url)
    return cta if page == cta.page_url else cta.model_copy(update={"page_url": page})
