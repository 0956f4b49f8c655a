"""suppression's queries: a batch is matched in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow_shared.uow import UnitOfWork
from leadflow_verify.suppression.domain import Kind
from leadflow_verify.suppression.tables import suppressions

_MATCHING = f"""
SELECT kind, value FROM {suppressions.fullname}
WHERE (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))
"""
_PUT = f"""
INSERT INTO {suppressions.fullname} AS s (kind, value, reason) VALUES ($1, $2, $3)
ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason
RETURNING kind, value, reason, added_at, (xmax = 0) AS created
"""
_ALL = f"SELECT kind, value, reason, added_at FROM {suppressions.fullname} ORDER BY kind, value"
_DELETE = f"DELETE FROM {suppressions.fullname} WHERE kind = $1 AND value = $2"


@dataclass(frozen=True)
class Suppression:
    kind: Kind
    value: str
    reason: str | None
    added_at: datetime


class SuppressionRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def matching(self, entries: Sequence[tuple[Kind, str]]) -> set[tuple[str, str]]:
        """Which of these entries are on the list (one statement)."""
        if not entries:
            return set()
        conn = await self.uow.driver()
        rows = await conn.fetch(_MATCHING, [k for k, _ in entries], [v for _, v in entries])
        return {(r["kind"], r["value"]) for r in rows}

    async def put(self, kind: Kind, value: str, reason: str | None) -> tuple[Suppression, bool]:
        """Add an entry or change its reason; whether it was added now."""
        row = await (await self.uow.driver()).fetchrow(_PUT, kind, value, reason)
        assert row is not None  # an upsert with RETURNING always returns its row
        return Suppression(row["kind"], row["value"], row["reason"], row["added_at"]), row[
            "created"
        ]

    async def all(self) -> list[Suppression]:
        rows = await (await self.uow.driver()).fetch(_ALL)
        return [Suppression(r["kind"], r["value"], r["reason"], r["added_at"]) for r in rows]

    async def delete(self, kind: Kind, value: str) -> bool:
        status = await (await self.uow.driver()).execute(_DELETE, kind, value)
        return status.endswith(" 1")
