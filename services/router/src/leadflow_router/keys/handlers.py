"""keys' use cases: issuing, listing and revoking a rep's or partner's keys, and telling
who a caller is."""

from __future__ import annotations

import hmac
from datetime import datetime

from pydantic import SecretStr

from leadflow_router.errors import InvalidKey, UnknownKey, UnknownOwner
from leadflow_router.keys.domain import ADMIN, Caller, OwnerKind, key_id, matches, new_key
from leadflow_router.keys.repository import KeyRepository, StoredKey
from leadflow_shared.uow import UnitOfWork


async def issue_key(
    uow: UnitOfWork, kind: OwnerKind, owner_id: str, label: str | None
) -> tuple[StoredKey, str]:
    """A new key for the rep or partner: the stored key and its token (shown once)."""
    key = new_key()
    async with uow:
        repository = KeyRepository(uow)
        if not await repository.owner_exists(kind, owner_id):
            raise UnknownOwner(f"no {kind} {owner_id!r}")
        stored = await repository.add(key, kind, owner_id, label)
        await uow.commit()
    return stored, key.token


async def keys_of(uow: UnitOfWork, kind: OwnerKind, owner_id: str) -> list[StoredKey]:
    async with uow:
        repository = KeyRepository(uow)
        if not await repository.owner_exists(kind, owner_id):
            raise UnknownOwner(f"no {kind} {owner_id!r}")
        return await repository.of_owner(kind, owner_id)


async def revoke_key(uow: UnitOfWork, key: str, now: datetime) -> StoredKey:
    async with uow:
        revoked = await KeyRepository(uow).revoke(key, now)
        if revoked is None:
            raise UnknownKey(f"no key {key!r}")
        await uow.commit()
    return revoked


async def authenticate(
    uow: UnitOfWork, admin_key: SecretStr | None, authorization: str | None
) -> Caller:
    """Who ``authorization`` (``Bearer <key>``) speaks for: the admin, or the rep or partner
    whose live key it is. Raises ``InvalidKey`` otherwise."""
    scheme, _, given = (authorization or "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise InvalidKey("an API key is required (Authorization: Bearer <key>)")
    if admin_key is not None and hmac.compare_digest(
        given.encode(), admin_key.get_secret_value().encode()
    ):
        return ADMIN
    found = key_id(given)
    stored = None
    if found is not None:
        async with uow:
            stored = await KeyRepository(uow).find(found)
    if stored is None or stored.revoked_at is not None or not matches(given, stored.digest):
        raise InvalidKey("the API key is not valid (unknown or revoked)")
    return Caller(stored.owner_kind, stored.owner_id)
