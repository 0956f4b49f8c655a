"""contact's queries: verifications stored a batch at a time, read one at a time, and
counted over a period."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic_core import to_json

from leadflow_shared.events.v1 import Check, ContactDetails, DuplicateMatch, Reason
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.contact.domain.verdict import SUPPRESSED, Verdict
from leadflow_verify.contact.tables import verifications


@dataclass(frozen=True)
class Verification:
    """A lead's verdict as stored, with when it was reached and the lead it repeats."""

    lead_id: uuid.UUID
    verdict: Verdict
    verified_at: datetime
    duplicate_of: uuid.UUID | None = None
    duplicate_match: DuplicateMatch | None = None


@dataclass(frozen=True)
class Summary:
    """Verifications over a period: how many of each outcome and of each finding."""

    since: datetime
    until: datetime
    leads: int
    outcomes: dict[str, int]
    findings: dict[str, int]


_COLUMNS = {
    "lead_id": "uuid",
    "accepted": "boolean",
    "contact": "json",
    "checks": "json",
    "reasons": "json",
    "outcome": "text",
    "findings": "text",  # the codes separated by spaces: unnest cannot take an array per row
    "review_reasons": "json",
    "duplicate_of": "uuid",
    "duplicate_match": "json",
}
_ADD = f"""
INSERT INTO {verifications.fullname} ({", ".join(_COLUMNS)})
SELECT {", ".join("string_to_array(findings, ' ')" if c == "findings" else c for c in _COLUMNS)}
FROM unnest({", ".join(f"${n}::{t}[]" for n, t in enumerate(_COLUMNS.values(), 1))})
    AS given({", ".join(_COLUMNS)})
ON CONFLICT (lead_id) DO NOTHING RETURNING lead_id
"""
_SETTLE = f"""
UPDATE {verifications.fullname} AS v
SET accepted = s.accepted, checks = s.checks, reasons = s.reasons, outcome = s.outcome,
    findings = string_to_array(s.findings, ' '), review_reasons = s.review_reasons
FROM unnest($1::uuid[], $2::boolean[], $3::json[], $4::json[], $5::text[], $6::text[], $7::json[])
    AS s(lead_id, accepted, checks, reasons, outcome, findings, review_reasons)
WHERE v.lead_id = s.lead_id
"""
# A held lead put on the do-not-contact list: rejected as any suppressed lead is, and kept
# without its details (nor the lead it repeated).
_SUPPRESSED = f"""
UPDATE {verifications.fullname}
SET accepted = false, contact = $2::json, checks = $3::json, reasons = $4::json,
    outcome = 'rejected', findings = $5::text[], review_reasons = '[]'::json,
    duplicate_of = NULL, duplicate_match = NULL
WHERE lead_id = ANY($1::uuid[])
"""
_OUTCOMES = f"""
SELECT outcome, count(*) FROM {verifications.fullname}
WHERE verified_at >= $1 AND verified_at < $2 GROUP BY outcome
"""
_FINDINGS = f"""
SELECT finding, count(*) FROM {verifications.fullname}, unnest(findings) AS finding
WHERE verified_at >= $1 AND verified_at < $2 GROUP BY finding
"""


def _json_list(items: Sequence[Check] | Sequence[Reason]) -> str:
    return to_json(list(items)).decode()


class VerificationRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add_new(self, verifications: Sequence[Verification]) -> set[uuid.UUID]:
        """Store each lead's verdict in one statement; returns the leads stored now (a lead
        verified before keeps its first verdict and is not among them)."""
        verdicts = [v.verdict for v in verifications]
        return await self.uow.returned(
            _ADD,
            [v.lead_id for v in verifications],
            [v.accepted for v in verdicts],
            [v.contact.model_dump_json() for v in verdicts],
            [_json_list(v.checks) for v in verdicts],
            [_json_list(v.reasons) for v in verdicts],
            [v.outcome for v in verdicts],
            [" ".join(v.findings) for v in verdicts],
            [_json_list(v.review_reasons) for v in verdicts],
            [v.duplicate_of for v in verifications],
            [
                v.duplicate_match.model_dump_json() if v.duplicate_match else None
                for v in verifications
            ],
        )

    async def settle(self, verdicts: Mapping[uuid.UUID, Verdict]) -> None:
        """Replace the verdicts of leads decided later (a held lead confirmed or expired):
        one statement; contact, repeat link and time of verification stay."""
        if not verdicts:
            return
        given = list(verdicts.values())
        await (await self.uow.driver()).execute(
            _SETTLE,
            list(verdicts),
            [v.accepted for v in given],
            [_json_list(v.checks) for v in given],
            [_json_list(v.reasons) for v in given],
            [v.outcome for v in given],
            [" ".join(v.findings) for v in given],
            [_json_list(v.review_reasons) for v in given],
        )

    async def suppressed(self, lead_ids: Sequence[uuid.UUID]) -> None:
        """Replace these leads' verdicts with the suppressed one, their details erased."""
        if not lead_ids:
            return
        await (await self.uow.driver()).execute(
            _SUPPRESSED,
            list(lead_ids),
            SUPPRESSED.contact.model_dump_json(),
            _json_list(SUPPRESSED.checks),
            _json_list(SUPPRESSED.reasons),
            list(SUPPRESSED.findings),
        )

    async def get(self, lead_id: uuid.UUID) -> Verification | None:
        stmt = sa.select(verifications).where(verifications.c.lead_id == lead_id)
        row = (await self.uow.session.execute(stmt)).first()
        if row is None:
            return None
        verdict = Verdict(
            accepted=row.accepted,
            contact=ContactDetails.model_validate(row.contact),
            checks=tuple(Check.model_validate(c) for c in row.checks),
            reasons=tuple(Reason.model_validate(r) for r in row.reasons),
            outcome=row.outcome,
            review_reasons=tuple(Reason.model_validate(r) for r in row.review_reasons),
            findings=tuple(row.findings),
        )
        match = row.duplicate_match
        return Verification(
            row.lead_id,
            verdict,
            row.verified_at,
            row.duplicate_of,
            DuplicateMatch.model_validate(match) if match is not None else None,
        )

    async def summary(self, since: datetime, until: datetime) -> Summary:
        conn = await self.uow.driver()
        outcomes = {r[0]: r[1] for r in await conn.fetch(_OUTCOMES, since, until)}
        findings = {r[0]: r[1] for r in await conn.fetch(_FINDINGS, since, until)}
        return Summary(since, until, sum(outcomes.values()), outcomes, findings)
