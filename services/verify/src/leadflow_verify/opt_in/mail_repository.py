"""opt_in's mail queries: an address's waiting mail found or made for a batch of held leads,
due mails claimed, tried and released, a link's mail found by the digest of its token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow_shared.sql import insert_unnest
from leadflow_shared.uow import UnitOfWork
from leadflow_verify.opt_in.domain.confirmation import Mail, MailLinkState, MailState
from leadflow_verify.opt_in.tables import confirmation_mails

M = confirmation_mails.fullname
COLUMNS = (
    "mail_id",
    "address",
    "email",
    "requested_at",
    "expires_at",
    "state",
    "settled_at",
    "delivery",
    "attempts",
    "sent_at",
    "error",
)
# An address's waiting mail whose deadline passed is closed before another is made for it
# (the expiry chore may not have come by yet).
_CLOSE_STALE = f"""
UPDATE {M} AS m SET state = 'expired', settled_at = $2, claim = NULL
FROM (
    SELECT mail_id FROM {M}
    WHERE address = ANY($1::text[]) AND state = 'waiting' AND expires_at <= $2
    ORDER BY address FOR UPDATE
) AS stale
WHERE m.mail_id = stale.mail_id
"""
_SENT = f"""
SELECT address, array_agg(sent_at) AS times FROM {M}
WHERE address = ANY($1::text[]) AND sent_at > $2 GROUP BY address
"""
_ADD = insert_unnest(
    confirmation_mails,
    {
        "mail_id": "uuid",
        "address": "text",
        "email": "text",
        "requested_at": "timestamptz",
        "expires_at": "timestamptz",
        "next_attempt_at": "timestamptz",
        "error": "text",
    },
    "ON CONFLICT (address) WHERE state = 'waiting' DO NOTHING",
)
# Shared locks: a confirmation (which locks its mail for update) waits until the leads
# joining the mail are committed, and so confirms them too.
_WAITING = f"""
SELECT * FROM {M} WHERE address = ANY($1::text[]) AND state = 'waiting' AND expires_at > $2
ORDER BY address FOR SHARE
"""
# Due mails, each claimed for a while (another process skips them; a process that dies
# while sending leaves them to be tried again once the claim has run out). A claim counts
# no try: a try is counted when its result is recorded.
_CLAIM = f"""
UPDATE {M} AS m SET claim = $3, next_attempt_at = $2
FROM (
    SELECT mail_id FROM {M}
    WHERE state = 'waiting' AND delivery = 'pending' AND next_attempt_at <= $1
        AND expires_at > $1
    ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED
) AS due
WHERE m.mail_id = due.mail_id
RETURNING m.*
"""
_ISSUE = f"""
UPDATE {M} AS m SET token_hash = t.token_hash
FROM unnest($1::uuid[], $2::bytea[]) AS t(mail_id, token_hash)
WHERE m.mail_id = t.mail_id AND m.claim = $3
"""
# Only the claim's holder records its try: a claim that ran out and was taken by another
# process is that process's now.
_TRIED = f"""
UPDATE {M} SET delivery = $3, attempts = attempts + 1, sent_at = $4, error = $5,
    next_attempt_at = coalesce($6, next_attempt_at), claim = NULL
WHERE mail_id = $1 AND claim = $2
RETURNING mail_id
"""
_RELEASE = f"""
UPDATE {M} SET claim = NULL, next_attempt_at = $3
WHERE mail_id = ANY($1::uuid[]) AND claim = $2
"""
# Every lead waiting for it was suppressed: nothing about the address is kept.
_WITHDRAW = f"""
UPDATE {M} SET state = 'withdrawn', settled_at = $2, claim = NULL, address = '', email = '',
    error = NULL, token_hash = NULL
WHERE mail_id = ANY($1::uuid[])
"""
_BY_TOKEN = f"SELECT * FROM {M} WHERE token_hash = $1"
_SETTLE = f"UPDATE {M} SET state = $2, settled_at = $3, claim = NULL WHERE mail_id = $1"
_EXPIRE = f"""
UPDATE {M} AS m SET state = 'expired', settled_at = $1, claim = NULL
FROM (
    SELECT mail_id FROM {M} WHERE state = 'waiting' AND expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
) AS due
WHERE m.mail_id = due.mail_id
"""
_UNSENT = f"""
SELECT count(*) FROM {M} WHERE state = 'waiting' AND delivery = 'pending' AND expires_at > $1
"""


@dataclass(frozen=True)
class Mailed:
    """How one try to send a mail went."""

    mail_id: uuid.UUID
    delivery: MailState
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None  # when still pending
    error: str | None = None


def mail_of(row: Any, prefix: str = "") -> Mail:
    """The mail in a row (its columns named ``{prefix}{column}``)."""
    values = {column: row[f"{prefix}{column}"] for column in COLUMNS}
    return Mail(**values)


class MailRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def close_stale(self, addresses: Sequence[str], now: datetime) -> None:
        """Mark expired the waiting mails of these addresses whose deadline passed."""
        await (await self.uow.driver()).execute(_CLOSE_STALE, list(addresses), now)

    async def sent_since(
        self, addresses: Sequence[str], since: datetime
    ) -> dict[str, list[datetime]]:
        """When each address's mails sent after ``since`` went out."""
        rows = await (await self.uow.driver()).fetch(_SENT, list(addresses), since)
        return {r["address"]: list(r["times"]) for r in rows}

    async def add(self, mails: Sequence[tuple[Mail, datetime]]) -> None:
        """Store new mails, each with the time of its first try (one statement); an address
        that has a waiting mail keeps it, and gets none of these."""
        if not mails:
            return
        await (await self.uow.driver()).execute(
            _ADD,
            [m.mail_id for m, _ in mails],
            [m.address for m, _ in mails],
            [m.email for m, _ in mails],
            [m.requested_at for m, _ in mails],
            [m.expires_at for m, _ in mails],
            [first_try for _, first_try in mails],
            [m.error for m, _ in mails],
        )

    async def waiting(self, addresses: Sequence[str], now: datetime) -> dict[str, Mail]:
        """Each address's waiting mail still in time, share-locked until the unit of work
        ends."""
        rows = await (await self.uow.driver()).fetch(_WAITING, list(addresses), now)
        return {r["address"]: mail_of(r) for r in rows}

    async def claim_due(
        self, now: datetime, until: datetime, claim: uuid.UUID, limit: int
    ) -> list[Mail]:
        """Up to ``limit`` mails due at ``now``, claimed for ``claim`` until ``until``,
        oldest first."""
        rows = await (await self.uow.driver()).fetch(_CLAIM, now, until, claim, limit)
        return sorted((mail_of(r) for r in rows), key=lambda m: (m.requested_at, m.mail_id))

    async def issue(self, claim: uuid.UUID, digests: Mapping[uuid.UUID, bytes]) -> None:
        """Store the digest of each claimed mail's new token (the last one tried is the
        one that works)."""
        if digests:
            await (await self.uow.driver()).execute(
                _ISSUE, list(digests), list(digests.values()), claim
            )

    async def tried(self, claim: uuid.UUID, result: Mailed) -> bool:
        """Record one try of a mail claimed for ``claim``; False when the claim is no
        longer its (nothing is recorded then)."""
        found = await (await self.uow.driver()).fetchval(
            _TRIED,
            result.mail_id,
            claim,
            result.delivery,
            result.sent_at,
            result.error,
            result.next_attempt_at,
        )
        return found is not None

    async def release(self, claim: uuid.UUID, mail_ids: Sequence[uuid.UUID], at: datetime) -> None:
        """Give back claimed mails that were not tried, due again ``at``; no try counted."""
        if mail_ids:
            await (await self.uow.driver()).execute(_RELEASE, list(mail_ids), claim, at)

    async def withdraw(self, mail_ids: Sequence[uuid.UUID], now: datetime) -> None:
        if mail_ids:
            await (await self.uow.driver()).execute(_WITHDRAW, list(mail_ids), now)

    async def by_token(self, token_hash: bytes, *, lock: bool = False) -> Mail | None:
        """The mail whose last token has this digest; ``lock``: locked until the unit of
        work ends."""
        sql = f"{_BY_TOKEN} FOR UPDATE" if lock else _BY_TOKEN
        row = await (await self.uow.driver()).fetchrow(sql, token_hash)
        return mail_of(row) if row is not None else None

    async def settle(self, mail_id: uuid.UUID, state: MailLinkState, at: datetime) -> None:
        await (await self.uow.driver()).execute(_SETTLE, mail_id, state, at)

    async def expire_due(self, now: datetime, limit: int) -> None:
        """Mark expired up to ``limit`` waiting mails whose deadline passed by ``now``."""
        await (await self.uow.driver()).execute(_EXPIRE, now, limit)

    async def unsent(self, now: datetime) -> int:
        """How many waiting mails have not gone out yet."""
        return int(await (await self.uow.driver()).fetchval(_UNSENT, now))
