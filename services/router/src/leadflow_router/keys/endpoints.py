"""keys' admin API, behind the admin key: issuing, listing and revoking the keys of reps and
partners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from leadflow_router.keys.handlers import issue_key, keys_of, revoke_key
from leadflow_router.keys.schemas import IssuedKeyOut, KeyIn, KeyOut
from leadflow_shared.admin import admin_router
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW


def router(runtime: Runtime[Any]) -> APIRouter:
    api = admin_router(runtime.settings.admin_api_key)
    clock = runtime.port("clock", Clock)

    @api.post("/reps/{rep_id}/keys", status_code=201)
    async def issue_rep_key(rep_id: str, uow: UoW, body: KeyIn | None = None) -> IssuedKeyOut:
        """Issue a new API key for the rep: it acts for that rep alone (their claims, their
        leads). The token is in this answer only; router keeps its digest."""
        key, token = await issue_key(uow, "rep", rep_id, body.label if body else None)
        return IssuedKeyOut.issued(key, token)

    @api.get("/reps/{rep_id}/keys")
    async def list_rep_keys(rep_id: str, uow: UoW) -> list[KeyOut]:
        """The rep's keys, revoked ones included (never their tokens)."""
        return [KeyOut.of(k) for k in await keys_of(uow, "rep", rep_id)]

    @api.post("/partners/{partner_id}/keys", status_code=201)
    async def issue_partner_key(
        partner_id: str, uow: UoW, body: KeyIn | None = None
    ) -> IssuedKeyOut:
        """Issue a new API key for the partner: it acts for that partner alone (the leads
        offered to it). The token is in this answer only; router keeps its digest."""
        key, token = await issue_key(uow, "partner", partner_id, body.label if body else None)
        return IssuedKeyOut.issued(key, token)

    @api.get("/partners/{partner_id}/keys")
    async def list_partner_keys(partner_id: str, uow: UoW) -> list[KeyOut]:
        """The partner's keys, revoked ones included (never their tokens)."""
        return [KeyOut.of(k) for k in await keys_of(uow, "partner", partner_id)]

    @api.delete("/keys/{key_id}")
    async def revoke(key_id: str, uow: UoW) -> KeyOut:
        """Revoke a key: from now on it is refused (401). Revoking it again changes nothing."""
        return KeyOut.of(await revoke_key(uow, key_id, clock.now()))

    return api
