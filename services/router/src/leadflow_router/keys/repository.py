"""keys' queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadflow_router.keys.domain import NewKey, OwnerKind
from leadflow_router.keys.tables import api_keys
from leadflow_router.partners.tables import partners
from leadflow_router.reps.tables import reps
from leadflow_shared.uow import UnitOfWork


@dataclass(frozen=True)
class StoredKey:
    id: str
    owner_kind: OwnerKind
    owner_id: str
    digest: bytes
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def _stored(row: Any) -> StoredKey:
    return StoredKey(
        id=row.id,
        owner_kind=row.owner_kind,
        owner_id=row.owner_id,
        digest=row.digest,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class KeyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def owner_exists(self, kind: OwnerKind, owner_id: str) -> bool:
        table = reps if kind == "rep" else partners
        found = await self.uow.session.execute(sa.select(table.c.id).where(table.c.id == owner_id))
        return found.first() is not None

    async def add(
        self, key: NewKey, kind: OwnerKind, owner_id: str, label: str | None
    ) -> StoredKey:
        row = (
            await self.uow.session.execute(
                sa.insert(api_keys)
                .values(
                    id=key.id, owner_kind=kind, owner_id=owner_id, digest=key.digest, label=label
                )
                .returning(*api_keys.c)
            )
        ).one()
        return _stored(row)

    async def find(self, key_id: str) -> StoredKey | None:
        row = (
            await self.uow.session.execute(sa.select(api_keys).where(api_keys.c.id == key_id))
        ).first()
        return None if row is None else _stored(row)

    async def of_owner(self, kind: OwnerKind, owner_id: str) -> list[StoredKey]:
        rows = await self.uow.session.execute(
            sa.select(api_keys)
            .where(api_keys.c.owner_kind == kind, api_keys.c.owner_id == owner_id)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return [_stored(r) for r in rows]

    async def revoke(self, key_id: str, now: datetime) -> StoredKey | None:
        """Revoke the key (a key revoked before keeps its time); None: no such key."""
        row = (
            await self.uow.session.execute(
                sa.update(api_keys)
                .where(api_keys.c.id == key_id)
                .values(revoked_at=sa.func.coalesce(api_keys.c.revoked_at, now))
                .returning(*api_keys.c)
            )
        ).first()
        return None if row is None else _stored(row)
