"""The baseline: ``POST /v1/leads`` parsed and validated exactly as capture does, then
answered 202 without storing anything. The ceiling capture's durable intake is measured
against (same uvicorn, same worker count, same load)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from leadflow_capture.intake.schemas import LeadAccepted, LeadIn

SOURCES = frozenset({"web-form", "webhook"})
MAX_BODY_BYTES = 64 * 1024


def create_app() -> FastAPI:
    app = FastAPI(title="leadflow bench baseline")

    @app.post("/v1/leads", status_code=202, response_model=LeadAccepted)
    async def post_lead(
        request: Request, x_leadflow_source: Annotated[str | None, Header()] = None
    ) -> JSONResponse:
        if x_leadflow_source not in SOURCES:
            return JSONResponse({"error": "unknown source"}, status_code=400)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send application/json"}, status_code=415)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return JSONResponse({"error": "too large"}, status_code=413)
        try:
            payload: Any = json.loads(body)
            LeadIn.model_validate(payload)
        except (ValueError, ValidationError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(LeadAccepted(lead_id=str(uuid.uuid4())).model_dump(), status_code=202)

    return app
