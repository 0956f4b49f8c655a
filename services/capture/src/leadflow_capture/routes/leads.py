"""``POST /v1/leads``: one lead as JSON, from a webhook or a page's script.

The endpoint is served directly (see ``DirectRoutes``), not through FastAPI's routing: it
is capture's hot path. :func:`router` declares it for the OpenAPI document."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from leadflow_capture.domain.signature import SignatureError, verify_signature
from leadflow_capture.handlers import CaptureRequest
from leadflow_capture.intake import Intake, media_type, parse_lead, read_body
from leadflow_capture.intake import idempotency_key as intake_idempotency_key
from leadflow_capture.schemas import LeadAccepted, LeadIn
from leadflow_shared.errors import (
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from leadflow_shared.http import Endpoint

HEADERS = [
    {
        "name": "X-Leadflow-Source",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "the id of the lead source",
    },
    {
        "name": "X-Leadflow-Signature",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, for sources '
        "with a secret",
    },
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": "a replay with the same key answers the same lead id (for a day)",
    },
]


def router(post_lead: Endpoint) -> APIRouter:
    api = APIRouter(tags=["leads"])
    api.post(
        "/v1/leads",
        status_code=202,
        response_model=LeadAccepted,
        openapi_extra={
            "parameters": HEADERS,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": LeadIn.model_json_schema()}},
            },
        },
        responses={
            400: {"description": "missing or unknown source"},
            401: {"description": "bad, stale or replayed signature"},
            413: {"description": "body too large"},
            415: {"description": "not application/json"},
            422: {"description": "invalid lead, with field-level messages"},
            429: {"description": "over the source's rate limit (see Retry-After)"},
            503: {"description": "cannot store the lead now (see Retry-After)"},
        },
    )(post_lead)
    return api


def endpoint(intake: Intake) -> Endpoint:
    settings = intake.settings

    async def post_lead(request: Request) -> JSONResponse:
        """Accept one lead as JSON. Answers 202 only once the lead is stored in Postgres."""
        # Headers are read directly (documented in HEADERS): declaring them as parameters
        # costs a noticeable share of the request's CPU on this hot path.
        headers = request.headers
        x_leadflow_signature = headers.get("x-leadflow-signature")
        idempotency_key = intake_idempotency_key(headers.get("idempotency-key"))
        source = await intake.source(headers.get("x-leadflow-source"))
        intake.limit_source(source)
        if media_type(request) != "application/json":
            raise UnsupportedMediaType("send the lead as application/json")
        body = await read_body(request, settings.max_body_bytes)
        digest = expires = None
        if source.secret is not None:
            try:
                signature = verify_signature(
                    source.secret,
                    x_leadflow_signature,
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
            request, channel="webhook", page_url=lead.cta.page_url, idempotency_key=idempotency_key
        )
        captured = await intake.capture(
            CaptureRequest(
                source=source,
                submission=lead.to_submission(source.default_cta, context.received_at),
                context=context,
                signature_digest=digest,
                signature_expires_at=expires,
            )
        )
        return JSONResponse(
            LeadAccepted(lead_id=str(captured.lead_id)).model_dump(),
            status_code=202,
            headers={"Idempotent-Replayed": "true"} if captured.replayed else None,
        )

    return post_lead
