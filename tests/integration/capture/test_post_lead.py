"""POST /v1/leads on real Postgres: stored with its event, or refused with a clear error."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from leadflow_shared.events import LeadCaptured, parse_event
from leadflow_shared.signing import sign

WEB = {"X-Leadflow-Source": "web-form"}
LEAD = {
    "email": "  ana@example.com ",
    "first_name": "Ana\u0000",
    "country": "DK",
    "cta": {"type": "demo_request", "page_url": "https://example.com/demo"},
    "utm": {"source": "google", "campaign": "q4"},
    "consent": {"marketing": True, "text": "Email me"},
}


async def counts(db: asyncpg.Connection) -> tuple[int, int]:
    leads = await db.fetchval("SELECT count(*) FROM capture.leads")
    events = await db.fetchval("SELECT count(*) FROM capture.outbox")
    return leads, events


async def test_a_referrer_or_page_that_is_no_web_address_is_not_kept(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    response = await capture.post(
        "/v1/leads",
        json={**LEAD, "cta": {"type": "pricing", "page_url": "javascript:alert(1)"}},
        headers={**WEB, "Referer": "javascript:alert(document.cookie)"},
    )
    assert response.status_code == 202, response.text
    lead_id = uuid.UUID(response.json()["lead_id"])
    row = await capture_db.fetchrow("SELECT * FROM capture.leads WHERE id = $1", lead_id)
    assert row is not None
    context = json.loads(row["context"])
    assert context["referrer"] is None and context["page_url"] is None
    # the submission keeps what was sent: verify flags the page and drops it (unsafe_url)
    assert json.loads(row["submission"])["cta"]["page_url"] == "javascript:alert(1)"


async def test_a_lead_is_stored_with_its_captured_event(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    response = await capture.post(
        "/v1/leads",
        json=LEAD,
        headers={**WEB, "User-Agent": "pytest", "Referer": "https://r.example/"},
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "accepted"
    lead_id = uuid.UUID(body["lead_id"])

    row = await capture_db.fetchrow("SELECT * FROM capture.leads WHERE id = $1", lead_id)
    assert row is not None and row["source_id"] == "web-form"
    submission = json.loads(row["submission"])
    assert submission["email"] == "ana@example.com" and submission["first_name"] == "Ana"
    context = json.loads(row["context"])
    assert context["user_agent"] == "pytest" and context["referrer"] == "https://r.example/"
    assert context["ip_hash"] and "198.51.100.20" not in row["context"]

    value = await capture_db.fetchval(
        "SELECT value FROM capture.outbox WHERE key = $1", str(lead_id).encode()
    )
    event = parse_event(value)
    assert isinstance(event, LeadCaptured)
    assert event.lead_id == lead_id
    assert event.data.submission.utm.campaign == "q4"
    assert event.data.submission.consent.marketing is True


async def test_an_idempotency_key_replay_answers_the_same_lead_and_stores_nothing_new(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    headers = {**WEB, "Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = await capture.post("/v1/leads", json=LEAD, headers=headers)
    before = await counts(capture_db)
    second = await capture.post("/v1/leads", json=LEAD, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["lead_id"] == second.json()["lead_id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert await counts(capture_db) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"first_name": "No contact"}, {None}),
        ({"email": "a@example.com", "cta": {"type": "coffee"}}, {"cta.type"}),
        ({"email": "a@example.com", "consent": {"marketing": "maybe"}}, {"consent.marketing"}),
        ({"email": "a@example.com", "first_name": "x" * 101}, {"first_name"}),
        ({"email": "a@example.com", "unknown": 1}, {"unknown"}),
        ({"email": 12}, {"email"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"email": "ann@@example.com"}, {"email"}),
        ({"email": "ann@example.com@example.org"}, {"email"}),
        ({"email": "ann@"}, {"email"}),
        ({"email": "@example.com"}, {"email"}),
        ({"email": "ann smith@example.com"}, {"email"}),
        # a valid phone does not excuse a broken email: the visitor is asked to fix it
        ({"email": "ann.example.com", "phone": "+4520123456"}, {"email"}),
        ([{"email": "a@example.com"}], {None}),
        ("just a string", {None}),
        (None, {None}),
    ],
)
async def test_malformed_leads_get_field_level_422_and_nothing_is_stored(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection, body: Any, fields: set[str | None]
) -> None:
    before = await counts(capture_db)
    response = await capture.post(
        "/v1/leads", content=json.dumps(body), headers={**WEB, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert {d["field"] for d in error["details"]} == fields
    assert all(d["message"] for d in error["details"])
    assert await counts(capture_db) == before


@pytest.mark.parametrize(
    "raw", [b"{not json", b"\xff\xfe\x00", b"", b'{"email": "a@example.com"', b"[" * 5000]
)
async def test_unparseable_bodies_get_422(capture: httpx.AsyncClient, raw: bytes) -> None:
    response = await capture.post(
        "/v1/leads", content=raw, headers={**WEB, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == "invalid JSON"


async def test_wrong_content_type_gets_415(capture: httpx.AsyncClient) -> None:
    response = await capture.post(
        "/v1/leads", content=b"email=a@example.com", headers={**WEB, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


async def test_oversized_body_gets_413(capture: httpx.AsyncClient) -> None:
    body = {"email": "a@example.com", "custom": {"blob": "x" * 70_000}}
    response = await capture.post("/v1/leads", json=body, headers=WEB)
    assert response.status_code == 413


async def chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_a_body_sent_in_chunks_without_a_length_is_read_whole_and_limited(
    capture: httpx.AsyncClient,
) -> None:
    headers = {**WEB, "Content-Type": "application/json"}
    small = json.dumps({"email": f"{uuid.uuid4().hex}@example.com", "message": "m" * 3000})
    ok = await capture.post("/v1/leads", content=chunks(small.encode(), 500), headers=headers)
    assert ok.status_code == 202
    big = json.dumps({"email": "a@example.com", "message": "m" * 70_000}).encode()
    refused = await capture.post("/v1/leads", content=chunks(big, 8192), headers=headers)
    assert refused.status_code == 413


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "missing_source"), ({"X-Leadflow-Source": "nope"}, "unknown_source")],
)
async def test_missing_or_unknown_source_gets_400(
    capture: httpx.AsyncClient, headers: dict[str, str], code: str
) -> None:
    response = await capture.post("/v1/leads", json=LEAD, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def signed(body: bytes, secret: str = "example-secret", at: int | None = None) -> dict[str, str]:
    return {
        "X-Leadflow-Source": "webhook",
        "Content-Type": "application/json",
        "X-Leadflow-Signature": sign(secret, body, at if at is not None else int(time.time())),
    }


async def test_a_signed_webhook_is_accepted(capture: httpx.AsyncClient) -> None:
    body = json.dumps(LEAD).encode()
    response = await capture.post("/v1/leads", content=body, headers=signed(body))
    assert response.status_code == 202


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Leadflow-Source": "webhook", "Content-Type": "application/json"},
        signed(b"another body"),
        signed(json.dumps(LEAD).encode(), secret="wrong-secret"),
        signed(json.dumps(LEAD).encode(), at=int(time.time()) - 3600),
    ],
    ids=["unsigned", "other-body", "wrong-secret", "stale"],
)
async def test_bad_or_stale_signatures_get_401(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection, headers: dict[str, str]
) -> None:
    before = await counts(capture_db)
    response = await capture.post("/v1/leads", content=json.dumps(LEAD).encode(), headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert await counts(capture_db) == before


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.com", "custom": {"deep": [[[[[[[[[[{}]]]]]]]]]]}},
        {"email": "a@example.com", "message": "\u202e\u0000" * 100},
        {"email": "😀" * 60},
        {"email": "a@example.com", "bant": None},
        {"email": "a@example.com", "cta": []},
        {"phone": "+1" + "9" * 38},
        {"email": "a@example.com", "custom": {str(i): i for i in range(60)}},
        {"email": "a@example.com", "utm": {"source": {"nested": True}}},
        {"email": "a@example.com", "custom": {"nul": "a\u0000b", "\u0000": ["\u0000"]}},
    ],
)
async def test_odd_input_never_gets_a_5xx(capture: httpx.AsyncClient, body: Any) -> None:
    response = await capture.post("/v1/leads", json=body, headers=WEB)
    assert response.status_code in (202, 422), response.text


async def test_custom_text_that_postgres_cannot_store_is_washed_or_refused(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    washed = await capture.post(
        "/v1/leads", json={"email": "nul@example.com", "custom": {"note": "a\u0000b"}}, headers=WEB
    )
    assert washed.status_code == 202, washed.text
    stored = await capture_db.fetchval(
        "SELECT submission->'custom'->>'note' FROM capture.leads WHERE id = $1",
        uuid.UUID(washed.json()["lead_id"]),
    )
    assert stored == "ab"
    lone_surrogate = b'{"email": "a@example.com", "custom": {"note": "\\ud800"}}'
    refused = await capture.post(
        "/v1/leads", content=lone_surrogate, headers={**WEB, "Content-Type": "application/json"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "custom"


async def test_metrics_show_the_outbox_backlog_and_the_accepted_leads(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    await capture.post("/v1/leads", json={"email": "m@example.com"}, headers=WEB)
    text = (await capture.get("/metrics")).text
    backlog = await capture_db.fetchval(
        "SELECT count(*) FROM capture.outbox WHERE published_at IS NULL"
    )
    assert f'leadflow_outbox_backlog{{service="capture"}} {float(backlog)}' in text
    assert (
        'leadflow_capture_accepted_total{channel="webhook",replayed="false",source="web-form"}'
        in text
    )


async def test_the_openapi_document_describes_post_leads_with_resolvable_schemas(
    capture: httpx.AsyncClient,
) -> None:
    document = (await capture.get("/openapi.json")).json()
    operation = document["paths"]["/v1/leads"]["post"]
    schemas = document["components"]["schemas"]
    assert {p["name"] for p in operation["parameters"]} == {
        "X-Leadflow-Source",
        "X-Leadflow-Signature",
        "Idempotency-Key",
    }
    assert set(operation["responses"]) >= {"202", "401", "413", "415", "422", "429", "503"}
    assert "email" in schemas["LeadIn"]["properties"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document))
    assert refs and set(refs) <= set(schemas)  # every reference resolves


async def test_other_methods_on_the_leads_path_get_405_with_allow(
    capture: httpx.AsyncClient,
) -> None:
    response = await capture.get("/v1/leads")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_a_refused_email_says_what_is_wrong_in_plain_words(
    capture: httpx.AsyncClient,
) -> None:
    response = await capture.post("/v1/leads", json={"email": "ann@"}, headers=WEB)
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail == {"field": "email", "message": "an email address needs a domain after the @"}


async def test_a_lead_of_a_double_opt_in_source_says_so_in_its_event(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    flags = {}
    for source in ("newsletter", "web-form"):
        response = await capture.post("/v1/leads", json=LEAD, headers={"X-Leadflow-Source": source})
        assert response.status_code == 202, response.text
        value = await capture_db.fetchval(
            "SELECT value FROM capture.outbox WHERE key = $1", response.json()["lead_id"].encode()
        )
        event = parse_event(value)
        assert isinstance(event, LeadCaptured)
        flags[source] = event.data.double_opt_in
    assert flags == {"newsletter": True, "web-form": False}
