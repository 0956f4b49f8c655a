"""opt_in's queries: held leads stored a batch at a time, mails claimed and settled a batch
at a time, a confirmation read and locked by its lead."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow_shared.events.v1 import LeadVerifiedData
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.opt_in.domain.confirmation import Confirmation, MailState
from leadflow_verify.opt_in.tables import confirmations

T = confirmations.fullname
_ADD = insert_unnest(
    confirmations,
    {
        "lead_id": "uuid",
        "source_id": "text",
        "email": "text",
        "held": "json",
        "correlation_id": "uuid",
        "causation_id": "uuid",
        "requested_at": "timestamptz",
        "expires_at": "timestamptz",
        "next_attempt_at": "timestamptz",
    },
    "ON CONFLICT (lead_id) DO NOTHING",
)
# Due mails, each claimed for a while (another process skips them; a process that dies
# while sending leaves them to be tried again once the claim has run out).
_CLAIM = f"""
UPDATE {T} AS c SET attempts = c.attempts + 1, next_attempt_at = $2
FROM (
    SELECT lead_id FROM {T}
    WHERE state = 'awaiting' AND mail = 'pending' AND next_attempt_at <= $1 AND expires_at > $1
    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED
) AS due
WHERE c.lead_id = due.lead_id
RETURNING c.lead_id, c.email, c.expires_at, c.attempts
"""
_MAILED = f"""
UPDATE {T} AS c SET mail = m.mail, sent_at = m.sent_at, mail_error = m.mail_error,
    next_attempt_at = coalesce(m.next_attempt_at, c.next_attempt_at)
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[])
    AS m(lead_id, mail, sent_at, next_attempt_at, mail_error)
WHERE c.lead_id = m.lead_id
"""
_LOCKED = f"SELECT * FROM {T} WHERE lead_id = $1 FOR UPDATE"
_GET = f"SELECT * FROM {T} WHERE lead_id = $1"
_CONFIRMED = f"UPDATE {T} SET state = 'confirmed', settled_at = $2 WHERE lead_id = $1"
_EXPIRE = f"""
UPDATE {T} AS c SET state = 'expired', settled_at = $1
FROM (
    SELECT lead_id FROM {T} WHERE state = 'awaiting' AND expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
) AS due
WHERE c.lead_id = due.lead_id
RETURNING c.*
"""
_UNSENT = f"""
SELECT count(*) FROM {T} WHERE state = 'awaiting' AND mail = 'pending' AND expires_at > $1
"""


@dataclass(frozen=True)
class Held:
    """A lead to hold: its confirmation as first stored, and the event ids it follows."""

    confirmation: Confirmation
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None


@dataclass(frozen=True)
class Due:
    """A confirmation mail to send now."""

    lead_id: uuid.UUID
    email: str
    expires_at: datetime
    attempts: int  # this one included


@dataclass(frozen=True)
class Mailed:
    """How sending one mail went."""

    lead_id: uuid.UUID
    mail: MailState
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None  # when still pending
    error: str | None = None


class ConfirmationRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add(self, held: Sequence[Held]) -> None:
        """Store held leads (one statement); a lead held before keeps its first row."""
        if not held:
            return
        rows = [h.confirmation for h in held]
        conn = await self.uow.driver()
        await conn.execute(
            _ADD,
            [c.lead_id for c in rows],
            [c.source_id for c in rows],
            [c.email for c in rows],
            [c.held.model_dump_json() for c in rows],
            [h.correlation_id for h in held],
            [h.causation_id for h in held],
            [c.requested_at for c in rows],
            [c.expires_at for c in rows],
            [c.requested_at for c in rows],  # the first mail is due at once
        )

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Due]:
        """Up to ``limit`` mails due at ``now``, claimed ``until`` then, oldest first."""
        rows = await (await self.uow.driver()).fetch(_CLAIM, now, until, limit)
        return [Due(r["lead_id"], r["email"], r["expires_at"], r["attempts"]) for r in rows]

    async def mailed(self, results: Sequence[Mailed]) -> None:
        """Record how each mail went (one statement)."""
        if not results:
            return
        await (await self.uow.driver()).execute(
            _MAILED,
            [m.lead_id for m in results],
            [m.mail for m in results],
            [m.sent_at for m in results],
            [m.next_attempt_at for m in results],
            [m.error for m in results],
        )

    async def unsent(self, now: datetime) -> int:
        """How many held leads still wait for their mail."""
        return int(await (await self.uow.driver()).fetchval(_UNSENT, now))

    async def get(self, lead_id: uuid.UUID, *, lock: bool = False) -> Held | None:
        """A lead's confirmation; ``lock``: locked until the unit of work ends."""
        row = await (await self.uow.driver()).fetchrow(_LOCKED if lock else _GET, lead_id)
        return _held(row) if row is not None else None

    async def confirmed(self, lead_id: uuid.UUID, at: datetime) -> None:
        await (await self.uow.driver()).execute(_CONFIRMED, lead_id, at)

    async def expire_due(self, now: datetime, limit: int) -> list[Held]:
        """Up to ``limit`` held leads whose deadline passed by ``now``, marked expired."""
        rows = await (await self.uow.driver()).fetch(_EXPIRE, now, limit)
        return [_held(r) for r in rows]


def _held(row: Any) -> Held:
    confirmation = Confirmation(
        lead_id=row["lead_id"],
        source_id=row["source_id"],
        email=row["email"],
        held=LeadVerifiedData.model_validate(row["held"]),
        requested_at=row["requested_at"],
        expires_at=row["expires_at"],
        state=row["state"],
        settled_at=row["settled_at"],
        mail=row["mail"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        mail_error=row["mail_error"],
    )
    return Held(confirmation, row["correlation_id"], row["causation_id"])
