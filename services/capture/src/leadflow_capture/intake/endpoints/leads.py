"""``POST /v1/leads``: one lead as JSON, from a webhook or a page's script.

capture's hot path, so a bare ASGI endpoint served ahead of FastAPI (see DirectRoutes);
:func:`document` puts it in the app's OpenAPI document."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from leadflow_capture.intake.handlers import CaptureRequest
from leadflow_capture.intake.requests import Intake, idempotency_key, media_type, parse_lead
from leadflow_capture.intake.schemas import LeadAccepted, LeadIn
from leadflow_shared import asgi
from leadflow_shared.errors import Unauthorized, Unprocessable, UnsupportedMediaType
from leadflow_shared.signing import SignatureError, verify_signature

PATH = "/v1/leads"
REPLAYED = [("Idempotent-Replayed", "true")]


class PostLead:
    """Accept one lead as JSON. Answers 202 only once the lead is stored in Postgres."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        arrived = time.monotonic()
        try:
            lead_id, replayed = await self.accept(scope, receive, arrived)
        except ClientDisconnect:
            return  # nobody left to answer; nothing was stored
        except Exception as exc:
            await asgi.send_error(send, exc, PATH)
            return
        content = LeadAccepted(lead_id=lead_id).model_dump_json().encode()
        await asgi.send_json(send, 202, content, REPLAYED if replayed else ())

    async def accept(self, scope: Scope, receive: Receive, arrived: float) -> tuple[str, bool]:
        intake, settings = self.intake, self.intake.settings
        headers = asgi.header_map(scope)
        key = idempotency_key(headers.get("idempotency-key"))
        source = await intake.source(headers.get("x-leadflow-source"))
        intake.limit_source(source)
        if media_type(headers) != "application/json":
            raise UnsupportedMediaType("send the lead as application/json")
        intake.admit(arrived, "webhook")
        body = await asgi.read_body(receive, headers.get("content-length"), settings.max_body_bytes)
        digest = expires = None
        if source.secret is not None:
            try:
                signature = verify_signature(
                    source.secret,
                    headers.get("x-leadflow-signature"),
                    body,
                    now=time.time(),
                    tolerance_s=settings.signature_tolerance_s,
                )
            except SignatureError as exc:
                raise Unauthorized(str(exc), code="bad_signature") from None
            digest = signature.digest()
            expires = datetime.fromtimestamp(signature.timestamp, UTC) + timedelta(
                seconds=settings.signature_tolerance_s
            )
        try:
            payload: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise Unprocessable(
                "the body is not valid JSON", details=[{"field": None, "message": "invalid JSON"}]
            ) from None
        lead = parse_lead(payload)
        context = intake.context(
            headers,
            asgi.client_host(scope),
            channel="webhook",
            page_url=lead.cta.page_url,
            idempotency_key=key,
        )
        captured = await intake.capture(
            CaptureRequest(
                source=source,
                submission=lead.to_submission(source.default_cta, context.received_at),
                context=context,
                signature_digest=digest,
                signature_expires_at=expires,
            ),
            arrived,
        )
        return str(captured.lead_id), captured.replayed


def header(name: str, description: str, *, required: bool = False, **schema: Any) -> Any:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "schema": {"type": "string", **schema},
        "description": description,
    }


OPERATION = {
    "tags": ["leads"],
    "summary": "Post a lead",
    "description": PostLead.__doc__,
    "operationId": "post_lead",
    "parameters": [
        header("X-Leadflow-Source", "the id of the lead source", required=True),
        header(
            "X-Leadflow-Signature",
            't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, for sources with a secret',
        ),
        header(
            "Idempotency-Key",
            "a replay with the same key answers the same lead id (for a day)",
            minLength=1,
            maxLength=255,
        ),
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeadIn"}}},
    },
    "responses": {
        "202": {
            "description": "stored; `Idempotent-Replayed: true` when it is an earlier lead",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/LeadAccepted"}}
            },
        },
        "400": {"description": "missing or unknown source"},
        "401": {"description": "bad, stale or replayed signature"},
        "413": {"description": "body too large"},
        "415": {"description": "not application/json"},
        "422": {"description": "invalid lead, with field-level messages"},
        "429": {"description": "over the source's rate limit (see Retry-After)"},
        "503": {
            "description": "cannot store the lead now, nothing was stored (see Retry-After):"
            " `unavailable` (the database is unreachable) or `overloaded` (it could not be"
            " stored within the commit bound)"
        },
    },
}


def document(app: FastAPI) -> None:
    asgi.document(app, PATH, "POST", OPERATION, [LeadIn, LeadAccepted])
