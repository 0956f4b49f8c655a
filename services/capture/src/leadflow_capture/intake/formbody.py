"""Reading an HTML form's body within limits: urlencoded or multipart, never more than
``limit`` bytes or ``max_fields`` fields; anything malformed is a 4xx, not a crash."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from leadflow_capture.intake.requests import media_type
from leadflow_shared.asgi import read_body
from leadflow_shared.errors import BadRequest, UnsupportedMediaType

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FORM_TYPES = (URLENCODED, MULTIPART)
MAX_FILES = 10  # file inputs are ignored, but an empty one still sends a part


async def read_form_body(request: Request, *, limit: int, max_fields: int) -> list[tuple[str, str]]:
    """The form's (name, value) pairs in order; file parts are left out."""
    kind = media_type(request.headers)
    if kind not in FORM_TYPES:
        raise UnsupportedMediaType(
            f"send the form as {URLENCODED} or {MULTIPART} (JSON goes to POST /v1/leads)"
        )
    body = await read_body(request.receive, request.headers.get("content-length"), limit)
    if kind == URLENCODED:
        return parse_urlencoded(body, max_fields=max_fields)
    return await parse_multipart(request.headers, body, limit=limit, max_fields=max_fields)


def parse_urlencoded(body: bytes, *, max_fields: int) -> list[tuple[str, str]]:
    """Browsers percent-encode UTF-8; raw UTF-8 (``curl -d``) is read as UTF-8 too."""
    try:
        return parse_qsl(
            body.decode("utf-8", errors="replace"),
            keep_blank_values=True,
            max_num_fields=max_fields,
            errors="replace",
        )
    except ValueError:
        raise BadRequest(
            f"the form has more than {max_fields} fields", code="too_many_fields"
        ) from None


async def parse_multipart(
    headers: Headers, body: bytes, *, limit: int, max_fields: int
) -> list[tuple[str, str]]:
    async def chunks() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(
        headers, chunks(), max_files=MAX_FILES, max_fields=max_fields, max_part_size=limit
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(f"the form is malformed: {exc.message}", code="malformed_form") from None
    try:
        return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    finally:
        await form.close()
