"""The FastAPI parts every service's API shares: health, readiness, metrics, error rendering."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from leadflow_shared.db import Database
from leadflow_shared.errors import LeadflowError, Unavailable, Unprocessable
from leadflow_shared.logging import get_logger
from leadflow_shared.retry import is_transient

log = get_logger(__name__)


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def render_error(exc: LeadflowError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return JSONResponse(
        error_body(exc.code, exc.message, exc.details), status_code=exc.status_code, headers=headers
    )


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors as ``{"field": "utm.source", "message": …}`` details (the request
    part FastAPI puts first, ``body`` or ``query``, is not part of the field's name)."""
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "header", "path"):
            loc = loc[1:]
        details.append({"field": ".".join(loc) or None, "message": _message(err)})
    return details


def _message(err: Any) -> str:
    """The error's message; a validator's own ValueError without pydantic's "Value error, "
    in front."""
    raised = err.get("ctx", {}).get("error") if err.get("type") == "value_error" else None
    return str(raised) if raised is not None else str(err.get("msg", "invalid"))


def unprocessable(exc: ValidationError, what: str) -> Unprocessable:
    """A 422 naming each invalid field of ``what`` (the lead, the source…)."""
    return Unprocessable(f"{what} is invalid", details=field_errors(exc.errors()))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LeadflowError)
    async def _leadflow_error(_: Request, exc: LeadflowError) -> JSONResponse:
        return render_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body("validation_failed", "the request is invalid", field_errors(exc.errors())),
            status_code=422,
        )

    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        unavailable = as_unavailable(exc)
        if unavailable is None:
            raise exc
        return render_error(unavailable)

    for kind in (DBAPIError, PoolTimeoutError, OSError, asyncpg.PostgresError):
        app.add_exception_handler(kind, _unavailable)


def as_unavailable(exc: Exception) -> Unavailable | None:
    """The 503 an infrastructure failure means to a client (None: not one of those)."""
    if isinstance(exc, PoolTimeoutError):
        return Unavailable("the service is overloaded, retry later", retry_after=2)
    driver = asyncpg.PostgresError | asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError
    if isinstance(exc, DBAPIError | OSError | driver) and is_transient(exc):
        log.warning("dependency unavailable", error=repr(exc))
        return Unavailable("the database or broker is unavailable, retry later", retry_after=5)
    return None


# Two questions on one connection, with client id "leadflow-readyz": ApiVersions (key 18,
# version 0), the smallest question every Kafka-protocol broker answers and the first a
# client asks, then Metadata (key 3) for no topic, the next one a client asks: the broker
# must name the cluster's brokers (one that answers the first but not this, say without its
# cluster state, serves no client either). Metadata goes in the newest version from 1 to 8
# that the broker's ApiVersions answer allows (later ones are encoded otherwise; Kafka 4
# dropped the oldest).
_CLIENT_ID = b"leadflow-readyz"
_CORRELATION_ID = 0x1EAD
_MAX_ANSWER = 1_000_000
_API_VERSIONS, _METADATA = 18, 3
_METADATA_VERSIONS = (1, 8)


def _request(api_key: int, version: int, correlation_id: int, body: bytes = b"") -> bytes:
    message = struct.pack(">hhih", api_key, version, correlation_id, len(_CLIENT_ID))
    message += _CLIENT_ID + body
    return struct.pack(">i", len(message)) + message


def _metadata_request(version: int) -> bytes:
    body = struct.pack(">i", 0)  # no topics (an empty array, not null: null is every topic)
    if version >= 4:
        body += b"\x00"  # allow_auto_topic_creation: no
    if version >= 8:
        body += b"\x00\x00"  # nor the cluster's or topics' authorised operations
    return _request(_METADATA, version, _CORRELATION_ID + 1, body)


_API_VERSIONS_REQUEST = _request(_API_VERSIONS, 0, _CORRELATION_ID)


async def kafka_reachable(bootstrap_servers: str, timeout_s: float = 1.0) -> None:
    """Raise unless one of the bootstrap servers answers an ApiVersions and a Metadata
    request within ``timeout_s``: a broker that takes connections but does not answer
    (frozen, overloaded), or answers only the first, is not reachable."""
    last: Exception | None = None
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            await asyncio.wait_for(_ask(host.strip("[]"), int(port)), timeout_s)
            return
        except (
            OSError,
            TimeoutError,
            ValueError,
            struct.error,
            asyncio.IncompleteReadError,
        ) as exc:
            last = exc
    raise ConnectionError(f"no Kafka bootstrap server answers ({last!r})")


async def _answer(reader: asyncio.StreamReader, correlation_id: int) -> bytes:
    """The body of the answer to request ``correlation_id`` (after its correlation id)."""
    (size,) = struct.unpack(">i", await reader.readexactly(4))
    if not 6 <= size <= _MAX_ANSWER:
        raise ValueError(f"not a Kafka answer (size {size})")
    answer = await reader.readexactly(size)
    (answered,) = struct.unpack(">i", answer[:4])
    if answered != correlation_id:
        raise ValueError(f"not the answer to our request ({answered})")
    return answer[4:]


def _metadata_version(api_versions: bytes) -> int:
    """The Metadata version to ask in, from an ApiVersions (v0) answer's body."""
    error_code, count = struct.unpack_from(">hi", api_versions)
    if error_code != 0:
        raise ValueError(f"ApiVersions answered error {error_code}")
    for i in range(count):
        key, low, high = struct.unpack_from(">hhh", api_versions, 6 + 6 * i)
        if key == _METADATA:
            version = min(high, _METADATA_VERSIONS[1])
            if version < max(low, _METADATA_VERSIONS[0]):
                raise ValueError(f"no Metadata version we speak ({low}-{high})")
            return version
    return _METADATA_VERSIONS[0]  # not listed: the oldest we speak


async def _ask(host: str, port: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(_API_VERSIONS_REQUEST)
        await writer.drain()
        version = _metadata_version(await _answer(reader, _CORRELATION_ID))
        writer.write(_metadata_request(version))
        await writer.drain()
        metadata = await _answer(reader, _CORRELATION_ID + 1)
        # brokers come first, after the throttle time from version 3 on
        (brokers,) = struct.unpack_from(">i", metadata, 4 if version >= 3 else 0)
        if brokers < 1:
            raise ValueError("the broker's metadata names no broker")
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


OUTBOX_BACKLOG = Gauge(
    "leadflow_outbox_backlog", "Events waiting in the outbox for the relay", ["service"]
)


def add_operational_routes(
    app: FastAPI,
    *,
    service: str,
    db: Database,
    kafka_bootstrap_servers: str,
    backlog_sql: str,
    checks: Mapping[str, Callable[[], str | None]] | None = None,
) -> None:
    """``/healthz`` (process alive), ``/readyz`` (the database and the broker answer, and
    each of the service's own ``checks`` returns None rather than why it is not ready),
    ``/metrics``."""
    own_checks = dict(checks or {})

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        for name, check in (
            ("database", db.ping),
            ("kafka", lambda: kafka_reachable(kafka_bootstrap_servers)),
        ):
            try:
                await asyncio.wait_for(check(), timeout=2.0)
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"unavailable: {type(exc).__name__}"
        for name, own in own_checks.items():
            checks[name] = own() or "ok"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        """Prometheus text: this process's counters, and the service's outbox backlog."""
        try:
            backlog = await asyncio.wait_for(db.scalar(backlog_sql), timeout=2.0)
            OUTBOX_BACKLOG.labels(service).set(float(backlog or 0))
        except Exception as exc:
            log.warning("outbox backlog unknown", error=repr(exc))
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)
