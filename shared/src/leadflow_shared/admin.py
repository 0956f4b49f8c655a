"""A service's admin API: behind ``Authorization: Bearer <LEADFLOW_ADMIN_API_KEY>``, and off
(403 ``admin_disabled``) while no key is set.

:class:`AdminGate` checks the key and the body's size before the request's body is read:
an unauthenticated or oversized call costs nothing but its headers. The routers' own
dependency checks the key again (and documents it in the OpenAPI)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow_shared.asgi import header_map, send_json
from leadflow_shared.errors import Forbidden, LeadflowError, Unauthorized
from leadflow_shared.http import error_body

ADMIN_PREFIX = "/v1/admin"
ADMIN_MAX_BODY_BYTES = 64 * 1024


def check_admin_key(key: SecretStr | None, authorization: str | None) -> None:
    """Raises unless ``authorization`` carries the admin key."""
    if key is None:
        raise Forbidden(
            "the admin API is disabled: set LEADFLOW_ADMIN_API_KEY", code="admin_disabled"
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.encode(), key.get_secret_value().encode()
    ):
        raise Unauthorized("a valid admin API key is required (Authorization: Bearer …)")


def admin_only(key: SecretStr | None) -> Callable[..., None]:
    """A FastAPI dependency refusing every call without the admin key."""

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        check_admin_key(key, authorization)

    return authorised


def admin_router(key: SecretStr | None) -> APIRouter:
    """Routes under ``/v1/admin``, each behind the admin key."""
    return APIRouter(prefix=ADMIN_PREFIX, tags=["admin"], dependencies=[Depends(admin_only(key))])


class AdminGate:
    """ASGI: calls under ``/v1/admin`` (and ``prefixes``) are refused before their body is
    read when they lack the admin key (401, or 403 while the admin API is off) or announce
    a body over ``max_body_bytes`` (413); a body that turns out larger while it is read is
    refused as soon as it passes the limit, and one whose client goes away is not answered.
    Everything else goes to ``app`` untouched."""

    def __init__(
        self,
        app: ASGIApp,
        key: SecretStr | None,
        max_body_bytes: int = ADMIN_MAX_BODY_BYTES,
        prefixes: Sequence[str] = (),
    ) -> None:
        self.app, self.key, self.max_body_bytes = app, key, max_body_bytes
        # besides /v1/admin: other paths a service keeps behind the admin key for now
        self.prefixes = tuple(p.rstrip("/") for p in (ADMIN_PREFIX, *prefixes))

    def _guarded(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not self._guarded(path):
            await self.app(scope, receive, send)
            return
        headers = header_map(scope)
        try:
            check_admin_key(self.key, headers.get("authorization"))
        except LeadflowError as exc:
            await _refuse(send, exc.status_code, exc.code, exc.message)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _refuse(send, 413, "payload_too_large", self._too_large())
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away mid-body: nothing to answer
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await _refuse(send, 413, "payload_too_large", self._too_large())
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    def _too_large(self) -> str:
        return f"the body is over {self.max_body_bytes:,} bytes"


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    await send_json(send, status, json.dumps(error_body(code, message)).encode())


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body read already, then hands over to the server's own
    (a disconnect, when it comes)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
