"""Bare ASGI endpoints for a service's hottest paths, served ahead of its FastAPI app.

On a small JSON post, FastAPI's middleware stack, routing and dependency resolution, and
Starlette's request and response objects, cost as much CPU as parsing and validating the
body. :class:`DirectRoutes` hands a few (method, path) pairs to bare ASGI endpoints and
everything else, lifespan included, to the app. :func:`document` puts such an endpoint in
the app's OpenAPI document; the rest are the few pieces such an endpoint needs, answering
errors exactly as the app's exception handlers do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from leadflow_shared.errors import LeadflowError, PayloadTooLarge
from leadflow_shared.http import as_unavailable, error_body
from leadflow_shared.logging import get_logger

log = get_logger(__name__)


class DirectRoutes:
    """The ASGI app a service serves: ``routes`` answered by their own ASGI endpoints,
    everything else by the FastAPI ``app``. Another method on a direct route's path is
    answered 405 with the methods it allows."""

    def __init__(self, app: FastAPI, routes: Mapping[tuple[str, str], ASGIApp]) -> None:
        self.app = app
        self.routes = dict(routes)
        methods: dict[str, list[str]] = {}
        for method, path in self.routes:
            methods.setdefault(path, []).append(method)
        self.allowed = {path: ", ".join(sorted(m)) for path, m in methods.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.routes.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
            allowed = self.allowed.get(scope["path"])
            if allowed is not None:
                body = error_body("method_not_allowed", f"use {allowed} on {scope['path']}")
                await send_json(send, 405, json.dumps(body).encode(), [("Allow", allowed)])
                return
        await self.app(scope, receive, send)


def header_map(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name; a repeated header's values are joined with
    ", " (as a proxy may send X-Forwarded-For on several lines)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def client_host(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


async def read_body(receive: Receive, declared_length: str | None, limit: int) -> bytes:
    """The whole request body, refused (413) beyond ``limit`` bytes before it is all read."""
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        part = message.get("body", b"")
        size += len(part)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        parts.append(part)
        if not message.get("more_body", False):
            return parts[0] if len(parts) == 1 else b"".join(parts)


async def send_json(
    send: Send, status: int, content: bytes, headers: Iterable[tuple[str, str]] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def send_error(send: Send, exc: Exception, path: str) -> None:
    """The answer the app's exception handlers give: a LeadflowError as itself, an
    unreachable database or broker as 503, anything else as a logged 500."""
    error = exc if isinstance(exc, LeadflowError) else as_unavailable(exc)
    if error is None:
        log.error("unhandled error", path=path, exc_info=exc)
        body = error_body("internal_error", "something went wrong on our side")
        await send_json(send, 500, json.dumps(body).encode())
        return
    headers = [("Retry-After", str(error.retry_after))] if error.retry_after is not None else []
    body = error_body(error.code, error.message, error.details)
    await send_json(send, error.status_code, json.dumps(body).encode(), headers)


def document(
    app: FastAPI, path: str, method: str, operation: dict[str, Any], models: Iterable[type]
) -> None:
    """Add an operation served by a direct route to the app's OpenAPI document, with the
    JSON schemas of ``models`` (pydantic models) as components it may ``$ref``."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                model_schema = model.model_json_schema(  # type: ignore[attr-defined]
                    ref_template="#/components/schemas/{model}"
                )
                components.update(model_schema.pop("$defs", {}))
                components[model.__name__] = model_schema
            schema["paths"].setdefault(path, {})[method.lower()] = operation
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
