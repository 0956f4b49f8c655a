"""capture's HTTP entry point: parse the request, call the handler, map the result."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from leadflow_capture import SERVICE
from leadflow_capture.domain.signature import SignatureError, verify_signature
from leadflow_capture.domain.sources import CaptureConfig, Source
from leadflow_capture.handlers import capture_lead
from leadflow_capture.schemas import LeadAccepted, LeadIn
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.config import load_config
from leadflow_shared.errors import (
    BadRequest,
    PayloadTooLarge,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from leadflow_shared.events.v1 import SubmissionContext
from leadflow_shared.http import create_service_app
from leadflow_shared.logging import configure_logging


def validation_error(exc: ValidationError) -> Unprocessable:
    details = [
        {"field": ".".join(str(p) for p in e["loc"]) or None, "message": e["msg"]}
        for e in exc.errors()
    ]
    return Unprocessable("the lead is invalid", details=details)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing anything over ``limit`` bytes before reading all of it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    return bytes(body)


def create_app(settings: CaptureSettings) -> FastAPI:
    sources = load_config(settings.config_file, CaptureConfig).by_id()
    app, db = create_service_app(
        service=SERVICE,
        description="Receives landing-page forms and JSON webhooks; every lead is stored "
        "before it is acknowledged.",
        settings=settings,
    )

    def source_for(source_id: str | None) -> Source:
        if not source_id:
            raise BadRequest("the X-Leadflow-Source header is required", code="missing_source")
        source = sources.get(source_id)
        if source is None:
            raise BadRequest(f"unknown source {source_id!r}", code="unknown_source")
        return source

    def client_ip_hash(request: Request) -> str | None:
        if request.client is None:
            return None
        salted = f"{settings.ip_hash_salt}:{request.client.host}".encode()
        return hashlib.sha256(salted).hexdigest()

    @app.post(
        "/v1/leads",
        status_code=202,
        response_model=LeadAccepted,
        tags=["leads"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": LeadIn.model_json_schema()}},
            }
        },
    )
    async def post_lead(
        request: Request,
        x_leadflow_source: Annotated[str | None, Header()] = None,
        x_leadflow_signature: Annotated[str | None, Header()] = None,
        idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
    ) -> JSONResponse:
        """Accept one lead as JSON. Answers 202 only once the lead is stored."""
        source = source_for(x_leadflow_source)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise UnsupportedMediaType("send the lead as application/json")
        body = await read_body(request, settings.max_body_bytes)
        if source.secret is not None:
            try:
                verify_signature(
                    source.secret,
                    x_leadflow_signature,
                    body,
                    now=time.time(),
                    tolerance_s=settings.signature_tolerance_s,
                )
            except SignatureError as exc:
                raise Unauthorized(str(exc), code="bad_signature") from None
        try:
            payload: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Unprocessable(
                "the body is not valid JSON", details=[{"field": None, "message": "invalid JSON"}]
            ) from None
        try:
            lead = LeadIn.model_validate(payload)
        except ValidationError as exc:
            raise validation_error(exc) from None
        context = SubmissionContext(
            received_at=datetime.now(UTC),
            channel="webhook",
            ip_hash=client_ip_hash(request),
            user_agent=(request.headers.get("user-agent") or "")[:512] or None,
            referrer=(request.headers.get("referer") or "")[:2048] or None,
            page_url=lead.cta.page_url,
            idempotency_key=idempotency_key,
        )
        result = await capture_lead(
            db.unit_of_work(),
            source_id=source.id,
            submission=lead.to_submission(source.default_cta),
            context=context,
        )
        return JSONResponse(
            LeadAccepted(lead_id=str(result.lead_id)).model_dump(),
            status_code=202,
            headers={"Idempotent-Replayed": "true"} if result.replayed else None,
        )

    return app


def create_app_from_env() -> FastAPI:
    settings = CaptureSettings()
    configure_logging(SERVICE, settings.log_level)
    return create_app(settings)
