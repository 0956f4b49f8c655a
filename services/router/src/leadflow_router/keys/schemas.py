"""How keys are asked for and shown (a token only once, when issued)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from leadflow_router.keys.domain import OwnerKind
from leadflow_router.keys.repository import StoredKey


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(
        default=None, max_length=200, description="what the key is for, e.g. a device"
    )


class KeyOut(BaseModel):
    id: str = Field(description="the key's public id (part of the token); revoke it by this")
    owner_kind: OwnerKind
    owner_id: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: StoredKey) -> KeyOut:
        return cls(
            id=key.id,
            owner_kind=key.owner_kind,
            owner_id=key.owner_id,
            label=key.label,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


class IssuedKeyOut(KeyOut):
    token: str = Field(
        description="the key itself, for `Authorization: Bearer <token>`: shown only now"
    )

    @classmethod
    def issued(cls, key: StoredKey, token: str) -> IssuedKeyOut:
        return cls(**KeyOut.of(key).model_dump(), token=token)
