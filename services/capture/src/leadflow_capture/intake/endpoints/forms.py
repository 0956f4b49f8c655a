"""``POST /v1/forms/{source_id}``: a landing page's HTML form, posted by a browser with or
without script, and its CORS preflight.

Two kinds of client, one set of rules. A script that sends ``Accept: application/json``
gets the JSON answers of ``POST /v1/leads`` (202, or an error with field-level details
named as the form's fields). A plain form post is a browser page load: it is sent ``303``
to the source's thank-you URL, or to its error URL with ``?reason=<code>&field=<name>``.
Redirect targets come only from the source's configuration, never from the request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html import escape

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from leadflow_capture.intake.domain.forms import form_field, read_form, with_params
from leadflow_capture.intake.formbody import FORM_TYPES, read_form_body
from leadflow_capture.intake.handlers import Captured, CaptureRequest
from leadflow_capture.intake.requests import Intake, idempotency_key, parse_lead
from leadflow_capture.intake.schemas import LeadAccepted
from leadflow_capture.sources.domain import Source
from leadflow_shared.errors import Forbidden, LeadflowError, NotFound, Unprocessable
from leadflow_shared.events import new_id
from leadflow_shared.http import as_unavailable, render_error
from leadflow_shared.logging import get_logger
from leadflow_shared.urls import web_url

log = get_logger(__name__)

MAX_FIELDS = 200
PREFLIGHT_MAX_AGE_S = 600
ALLOWED_HEADERS = "Content-Type, Accept, Idempotency-Key"
EXPOSED_HEADERS = "Retry-After, Idempotent-Replayed"
# The small pages capture itself answers with load nothing and run nothing.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


def wants_json(accept: str | None) -> bool:
    """Whether the client lists ``application/json`` (with a non-zero q) in Accept."""
    for item in (accept or "").split(","):
        kind, *params = (p.strip().lower() for p in item.split(";"))
        if kind != "application/json":
            continue
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return True
        return True
    return False


def page(title: str, *lines: str) -> str:
    text = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto;'
        f' padding: 0 1rem; line-height: 1.5"><h1>{escape(title)}</h1>{text}</body></html>'
    )


@dataclass(frozen=True)
class Reply:
    """How to answer one post: as JSON or as a browser page load, with CORS headers for an
    allowed origin."""

    source: Source
    origin: str | None  # an allowed origin, echoed back; None when the post had no Origin
    json: bool

    def headers(self) -> dict[str, str]:
        headers = {"Vary": "Origin, Accept"}
        if self.origin is not None:
            headers["Access-Control-Allow-Origin"] = self.origin
            headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return headers

    def accepted(self, captured: Captured) -> Response:
        headers = self.headers()
        if captured.replayed:
            headers["Idempotent-Replayed"] = "true"
        if self.json:
            body = LeadAccepted(lead_id=str(captured.lead_id)).model_dump()
            return JSONResponse(body, status_code=202, headers=headers)
        if self.source.thank_you_url is not None:
            return RedirectResponse(self.source.thank_you_url, status_code=303, headers=headers)
        return HTMLResponse(
            page("Thank you", "We have received your request."),
            status_code=202,
            headers={**headers, **PAGE_HEADERS},
        )

    def refused(self, exc: LeadflowError) -> Response:
        headers = self.headers()
        if self.json:
            response = render_error(exc)
            response.headers.update(headers)
            return response
        field = next((d["field"] for d in exc.details if d.get("field")), None)
        if self.source.error_url is not None:
            params = {
                "reason": exc.code,
                "field": field,
                "retry_after": str(exc.retry_after) if exc.retry_after is not None else None,
            }
            target = with_params(self.source.error_url, params)
            return RedirectResponse(target, status_code=303, headers=headers)
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        lines = [exc.message, *(f"{d['field'] or 'form'}: {d['message']}" for d in exc.details)]
        return HTMLResponse(
            page("We could not take your request", *lines),
            status_code=exc.status_code,
            headers={**headers, **PAGE_HEADERS},
        )


def as_form_fields(exc: Unprocessable) -> Unprocessable:
    """The same error, its details naming the form's fields (``utm_source``)."""
    details = [{**d, "field": form_field(d.get("field"))} for d in exc.details]
    return Unprocessable(exc.message, code=exc.code, details=details)


def router(intake: Intake) -> APIRouter:
    api = APIRouter(tags=["forms"])
    settings = intake.settings

    async def form_source(source_id: str, origin: str | None) -> Source:
        """The source, if a browser on ``origin`` (None: no Origin header) may post to it."""
        source = await intake.registry.get(source_id)
        if source is None:
            raise NotFound(f"unknown source {source_id!r}", code="unknown_source")
        if source.secret is not None:
            raise Forbidden(
                f"source {source_id!r} takes only signed JSON posts to /v1/leads",
                code="signed_source",
            )
        if origin is not None and not source.allows_origin(origin):
            raise Forbidden(
                f"pages on {origin} may not post to source {source_id!r}",
                code="origin_not_allowed",
            )
        return source

    async def submit(source: Source, request: Request, arrived: float) -> Captured:
        client = request.client.host if request.client is not None else None
        intake.limit_ip(source, request.headers, client)
        intake.limit_source(source)
        intake.admit(arrived, "form")
        key = idempotency_key(request.headers.get("idempotency-key"))
        fields = await read_form_body(request, limit=settings.max_body_bytes, max_fields=MAX_FIELDS)
        post = read_form(fields, source.honeypot_field)
        if post.honeypot:
            await intake.count_spam(source, "honeypot")
            log.info("honeypot filled in", source=source.id)
            return Captured(new_id(), replayed=False)  # looks accepted; nothing is kept
        if post.ignored:
            log.debug("form fields ignored", source=source.id, fields=list(post.ignored)[:20])
        try:
            lead = parse_lead(post.payload)
        except Unprocessable as exc:
            raise as_form_fields(exc) from None
        referer = (request.headers.get("referer") or "")[:2048] or None
        context = intake.context(
            request.headers,
            client,
            channel="form",
            page_url=web_url(lead.cta.page_url) or web_url(referer),
            idempotency_key=key,
        )
        return await intake.capture(
            CaptureRequest(
                source=source,
                submission=lead.to_submission(source.default_cta, context.received_at),
                context=context,
            ),
            arrived,
        )

    @api.options(
        "/v1/forms/{source_id}",
        status_code=204,
        responses={
            403: {"description": "the origin may not post to this source"},
            404: {"description": "unknown source"},
        },
    )
    async def preflight(source_id: str, request: Request) -> Response:
        """CORS preflight: a page on one of the source's allowed origins may post."""
        origin = request.headers.get("origin")
        if origin is None:
            raise Forbidden("a CORS preflight needs an Origin header", code="origin_not_allowed")
        await form_source(source_id, origin)
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
                "Vary": "Origin",
            },
        )

    @api.post(
        "/v1/forms/{source_id}",
        status_code=303,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    kind: {"schema": {"type": "object", "additionalProperties": True}}
                    for kind in FORM_TYPES
                },
            }
        },
        responses={
            202: {"description": "stored (the client asked for application/json)"},
            303: {"description": "to the source's thank-you URL, or its error URL"},
            400: {"description": "malformed form body"},
            403: {"description": "the page's origin may not post, or the source is signed"},
            404: {"description": "unknown source"},
            413: {"description": "body too large"},
            415: {"description": "not a form content type"},
            422: {"description": "invalid lead, with the form's field names"},
            429: {"description": "over the per-IP or per-source rate limit (see Retry-After)"},
            503: {
                "description": "cannot store the lead now, nothing was stored (see Retry-After):"
                " `unavailable` or `overloaded`"
            },
        },
    )
    async def post_form(source_id: str, request: Request) -> Response:
        """Accept one lead from an HTML form. Answers only once the lead is stored."""
        arrived = time.monotonic()
        origin = request.headers.get("origin")
        source = await form_source(source_id, origin)
        reply = Reply(source, origin, wants_json(request.headers.get("accept")))
        try:
            captured = await submit(source, request, arrived)
        except LeadflowError as exc:
            return reply.refused(exc)
        except Exception as exc:
            unavailable = as_unavailable(exc)  # e.g. Postgres down: the browser is told so
            if unavailable is None:
                raise
            return reply.refused(unavailable)
        return reply.accepted(captured)

    return api
