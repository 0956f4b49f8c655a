"""Whatever a client sends, capture answers with a 2xx, 3xx or 4xx, never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = [
    "email",
    "phone",
    "first_name",
    "country",
    "cta",
    "utm",
    "consent",
    "bant",
    "custom",
    "message",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | json_values
raw_bytes = st.binary(max_size=300)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=300)
headers = st.fixed_dictionaries(
    {},
    optional={
        "X-Leadflow-Source": st.sampled_from(["web-form", "webhook", "", "nope", "web-form\x7f"]),
        "Idempotency-Key": header_text,
        "X-Leadflow-Signature": header_text,
        "Content-Type": st.sampled_from(
            [
                "application/json",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=latin-1",
                "",
            ]
        ),
        "Origin": st.sampled_from(["http://127.0.0.1:8080", "http://evil.example", "null"]),
        "Accept": st.sampled_from(["application/json", "text/html", "*/*"]),
    },
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def encode(body: Any) -> bytes:
    return json.dumps(body).encode()


@FUZZ
@given(body=bodies, extra=headers)
async def test_json_endpoint_never_answers_5xx(
    capture: httpx.AsyncClient, body: Any, extra: dict[str, str]
) -> None:
    response = await capture.post(
        "/v1/leads",
        content=encode(body),
        headers={"X-Leadflow-Source": "web-form", "Content-Type": "application/json", **extra},
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(raw=raw_bytes, extra=headers)
async def test_json_endpoint_takes_any_bytes_without_5xx(
    capture: httpx.AsyncClient, raw: bytes, extra: dict[str, str]
) -> None:
    response = await capture.post(
        "/v1/leads",
        content=raw,
        headers={"X-Leadflow-Source": "web-form", "Content-Type": "application/json", **extra},
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(
    fields=st.dictionaries(st.text(max_size=20), st.text(max_size=60), max_size=8),
    raw=raw_bytes,
    extra=headers,
    source=st.sampled_from(["web-form", "webhook", "nope", "%00"]),
)
async def test_form_endpoint_never_answers_5xx(
    capture: httpx.AsyncClient,
    fields: dict[str, str],
    raw: bytes,
    extra: dict[str, str],
    source: str,
) -> None:
    as_form = await capture.post(f"/v1/forms/{source}", data=fields, headers=extra)
    assert as_form.status_code < 500, as_form.text
    as_bytes = await capture.post(f"/v1/forms/{source}", content=raw, headers=extra)
    assert as_bytes.status_code < 500, as_bytes.text
