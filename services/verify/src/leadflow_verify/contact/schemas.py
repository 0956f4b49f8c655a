"""How contact's read API shows a verification and a period's findings."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from leadflow_shared.events.v1 import Check, ContactDetails, DuplicateMatch, Reason
from leadflow_verify.contact.domain.policy import FINDINGS, Outcome
from leadflow_verify.contact.queries import Report
from leadflow_verify.contact.repository import Summary
from leadflow_verify.opt_in.schemas import ConfirmationOut


class VerificationOut(BaseModel):
    """A lead's data-wash report: every check with its evidence, and the outcome."""

    lead_id: uuid.UUID
    outcome: Outcome
    accepted: bool = Field(description="verified or sent to review: not rejected")
    contact: ContactDetails = Field(description="the details as washed")
    checks: list[Check]
    findings: list[str]
    reasons: list[Reason] = Field(description="why it was rejected")
    review_reasons: list[Reason] = Field(description="why it was sent to review")
    duplicate_of: uuid.UUID | None = Field(description="the first lead of the same person")
    duplicate_match: DuplicateMatch | None
    verified_at: datetime
    double_opt_in: ConfirmationOut | None = Field(
        description="where its confirmation stands, when its source asks for double opt-in"
    )

    @classmethod
    def of(cls, report: Report) -> VerificationOut:
        verification, confirmation = report.verification, report.confirmation
        verdict = verification.verdict
        return cls(
            lead_id=verification.lead_id,
            outcome=verdict.outcome,
            accepted=verdict.accepted,
            contact=verdict.contact,
            checks=list(verdict.checks),
            findings=list(verdict.findings),
            reasons=list(verdict.reasons),
            review_reasons=list(verdict.review_reasons),
            duplicate_of=verification.duplicate_of,
            duplicate_match=verification.duplicate_match,
            verified_at=verification.verified_at,
            double_opt_in=ConfirmationOut.of(confirmation) if confirmation else None,
        )


class FindingCount(BaseModel):
    code: str
    meaning: str
    leads: int


class SummaryOut(BaseModel):
    """What verification found over a period."""

    since: datetime
    until: datetime
    leads: int
    outcomes: dict[str, int] = Field(description="leads per outcome")
    findings: list[FindingCount] = Field(description="leads per finding, most frequent first")

    @classmethod
    def of(cls, summary: Summary) -> SummaryOut:
        counts = sorted(summary.findings.items(), key=lambda item: (-item[1], item[0]))
        return cls(
            since=summary.since,
            until=summary.until,
            leads=summary.leads,
            outcomes=summary.outcomes,
            findings=[
                FindingCount(code=code, meaning=FINDINGS.get(code, ""), leads=n)
                for code, n in counts
            ],
        )
