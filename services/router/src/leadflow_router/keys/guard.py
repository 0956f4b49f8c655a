"""Routes for the people who act: every call is authenticated (the admin key, or a rep's or
partner's own key) before its body is read, and its body kept small; the endpoint gets the
``Caller`` and decides what that caller may do."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from leadflow_router.keys.domain import Caller
from leadflow_router.keys.handlers import authenticate
from leadflow_shared.errors import PayloadTooLarge
from leadflow_shared.service import Runtime

MAX_BODY_BYTES = 16 * 1024

_bearer = HTTPBearer(
    auto_error=False,
    description="the admin key, or a rep's or partner's own key (see /v1/admin/reps/{rep_id}/keys)",
)


def keyed_router(runtime: Runtime[Any], **options: Any) -> APIRouter:
    """An APIRouter whose routes authenticate each call first (401 for no key or an invalid
    one, 413 for a body over MAX_BODY_BYTES)."""
    admin_key = runtime.settings.admin_api_key

    class KeyedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def authenticated(request: Request) -> Response:
                request.state.caller = await authenticate(
                    runtime.unit_of_work(), admin_key, request.headers.get("authorization")
                )
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                    raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES:,} bytes")
                return await handle(request)

            return authenticated

    return APIRouter(route_class=KeyedRoute, **options)


def _caller(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    caller: Caller = request.state.caller
    return caller


CallerOf = Annotated[Caller, Depends(_caller)]
