"""opt_in's queries on held leads: stored a batch at a time, read with the mail they wait
for, settled (confirmed, expired, suppressed) a batch at a time."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow_shared.events.v1 import LeadVerifiedData
from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.opt_in.domain.confirmation import Confirmation, State
from leadflow_verify.opt_in.mail_repository import COLUMNS as MAIL_COLUMNS
from leadflow_verify.opt_in.mail_repository import mail_of
from leadflow_verify.opt_in.tables import confirmation_mails, confirmations

T = confirmations.fullname
M = confirmation_mails.fullname
_MAIL = ", ".join(f"m.{c} AS mail_{c}" for c in MAIL_COLUMNS)
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
        "mail_id": "uuid",
    },
    "ON CONFLICT (lead_id) DO NOTHING",
)
_GET = f"SELECT c.*, {_MAIL} FROM {T} AS c JOIN {M} AS m ON m.mail_id = c.mail_id"
_ONE = f"{_GET} WHERE c.lead_id = $1"
# The leads still in time that wait for these mails, locked (a lead the expiry chore holds
# is waited for, then no longer awaiting).
_WAITING = f"""
{_GET} WHERE c.mail_id = ANY($1::uuid[]) AND c.state = 'awaiting' AND c.expires_at > $2
ORDER BY c.requested_at, c.lead_id FOR UPDATE OF c
"""
_SETTLE = f"UPDATE {T} SET state = $2, settled_at = $3 WHERE lead_id = ANY($1::uuid[])"
_SUPPRESSED = f"""
UPDATE {T} AS c SET state = 'suppressed', settled_at = $3, email = '', held = s.held
FROM unnest($1::uuid[], $2::json[]) AS s(lead_id, held)
WHERE c.lead_id = s.lead_id
"""
_EXPIRE = f"""
WITH due AS (
    SELECT lead_id FROM {T} WHERE state = 'awaiting' AND expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
), gone AS (
    UPDATE {T} AS c SET state = 'expired', settled_at = $1
    FROM due WHERE c.lead_id = due.lead_id
    RETURNING c.*
)
SELECT c.*, {_MAIL} FROM gone AS c JOIN {M} AS m ON m.mail_id = c.mail_id
"""


@dataclass(frozen=True)
class Held:
    """A lead to hold: its confirmation, and the event ids it follows."""

    confirmation: Confirmation
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None

    @property
    def lead_id(self) -> uuid.UUID:
        return self.confirmation.lead_id


class ConfirmationRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def add(self, held: Sequence[Held]) -> None:
        """Store held leads, each with its mail (one statement); a lead held before keeps
        its first row."""
        if not held:
            return
        rows = [h.confirmation for h in held]
        assert all(c.mail is not None for c in rows), "a held lead waits for a mail"
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
            [c.mail.mail_id if c.mail else None for c in rows],
        )

    async def get(self, lead_id: uuid.UUID) -> Held | None:
        """A lead's confirmation, with its mail."""
        row = await (await self.uow.driver()).fetchrow(_ONE, lead_id)
        return _held(row) if row is not None else None

    async def waiting_for(self, mail_ids: Sequence[uuid.UUID], now: datetime) -> list[Held]:
        """The leads that wait for these mails and are still in time at ``now``, locked
        until the unit of work ends, the earliest held first."""
        if not mail_ids:
            return []
        rows = await (await self.uow.driver()).fetch(_WAITING, list(mail_ids), now)
        return [_held(r) for r in rows]

    async def settle(self, lead_ids: Sequence[uuid.UUID], state: State, at: datetime) -> None:
        if lead_ids:
            await (await self.uow.driver()).execute(_SETTLE, list(lead_ids), state, at)

    async def suppressed(self, erased: Mapping[uuid.UUID, LeadVerifiedData], at: datetime) -> None:
        """Mark leads suppressed, keeping of each only what ``erased`` gives."""
        if erased:
            await (await self.uow.driver()).execute(
                _SUPPRESSED, list(erased), [d.model_dump_json() for d in erased.values()], at
            )

    async def expire_due(self, now: datetime, limit: int) -> list[Held]:
        """Up to ``limit`` held leads whose deadline passed by ``now`` (``now >=
        expires_at``), marked expired."""
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
        mail=mail_of(row, prefix="mail_"),
    )
    return Held(confirmation, row["correlation_id"], row["causation_id"])
