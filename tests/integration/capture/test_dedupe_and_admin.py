"""Replays, double submits, and the sources admin API, on real Postgres."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.signing import sign
from tests.conftest import Infra
from tests.integration.capture.conftest import client_for

ADMIN_KEY = "admin-key-for-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture(scope="module")
async def admin_capture(infra_env: Infra) -> AsyncIterator[httpx.AsyncClient]:
    app = CAPTURE.create_app(
        infra_env.settings(
            CaptureSettings, "capture", admin_api_key=ADMIN_KEY, sources_refresh_s=0.2
        )
    )
    async with client_for(app) as client:
        yield client


def unique_lead() -> dict[str, object]:
    return {"email": f"{uuid.uuid4().hex[:12]}@example.com", "country": "US"}


async def leads_with_email(db: asyncpg.Connection, email: str) -> int:
    return int(
        await db.fetchval(
            "SELECT count(*) FROM capture.leads WHERE submission->>'email' = $1", email
        )
    )


async def test_a_replayed_signature_is_refused_even_within_the_tolerance(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    body = json.dumps(unique_lead()).encode()
    headers = {
        "X-Leadflow-Source": "webhook",
        "Content-Type": "application/json",
        "X-Leadflow-Signature": sign("example-secret", body, int(time.time())),
    }
    first = await capture.post("/v1/leads", content=body, headers=headers)
    replay = await capture.post("/v1/leads", content=body, headers=headers)
    assert first.status_code == 202
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "replayed_signature"
    email = json.loads(body)["email"]
    assert await leads_with_email(capture_db, email) == 1


async def test_a_double_click_is_one_lead(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    lead = unique_lead()
    headers = {"X-Leadflow-Source": "web-form"}
    first, second = await asyncio.gather(
        capture.post("/v1/leads", json=lead, headers=headers),
        capture.post("/v1/leads", json=lead, headers=headers),
    )
    third = await capture.post("/v1/leads", json=lead, headers=headers)
    ids = {r.json()["lead_id"] for r in (first, second, third)}
    assert len(ids) == 1
    assert sorted(
        r.headers.get("Idempotent-Replayed", "false") for r in (first, second, third)
    ) == ["false", "true", "true"]
    assert await leads_with_email(capture_db, str(lead["email"])) == 1


async def test_a_changed_submission_is_a_new_lead(capture: httpx.AsyncClient) -> None:
    lead = unique_lead()
    headers = {"X-Leadflow-Source": "web-form"}
    first = await capture.post("/v1/leads", json=lead, headers=headers)
    changed = await capture.post("/v1/leads", json={**lead, "city": "Austin"}, headers=headers)
    assert first.json()["lead_id"] != changed.json()["lead_id"]


async def test_concurrent_posts_with_one_idempotency_key_are_one_lead(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    key = f"order-{uuid.uuid4()}"
    lead = unique_lead()  # a client retrying one post five times at once
    responses = await asyncio.gather(
        *(
            capture.post(
                "/v1/leads",
                json=lead,
                headers={"X-Leadflow-Source": "web-form", "Idempotency-Key": key},
            )
            for _ in range(5)
        )
    )
    assert {r.status_code for r in responses} == {202}
    assert len({r.json()["lead_id"] for r in responses}) == 1
    stored = await capture_db.fetchval(
        "SELECT count(*) FROM capture.leads WHERE idempotency_key = $1", key
    )
    assert stored == 1


async def test_one_idempotency_key_with_different_leads_keeps_the_first_and_refuses_the_rest(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    key = f"order-{uuid.uuid4()}"
    headers = {"X-Leadflow-Source": "web-form", "Idempotency-Key": key}
    responses = await asyncio.gather(
        *(capture.post("/v1/leads", json=unique_lead(), headers=headers) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [202, 422, 422, 422, 422]
    for refused in (r for r in responses if r.status_code == 422):
        error = refused.json()["error"]
        assert error["code"] == "idempotency_key_reused"
        assert error["details"][0]["field"] == "Idempotency-Key"
    later = await capture.post("/v1/leads", json=unique_lead(), headers=headers)
    assert later.status_code == 422
    stored = await capture_db.fetchval(
        "SELECT count(*) FROM capture.leads WHERE idempotency_key = $1", key
    )
    assert stored == 1


async def test_admin_api_needs_the_key(
    admin_capture: httpx.AsyncClient, capture: httpx.AsyncClient
) -> None:
    assert (await admin_capture.get("/v1/admin/sources")).status_code == 401
    wrong = await admin_capture.get("/v1/admin/sources", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    disabled = await capture.get("/v1/admin/sources", headers=ADMIN)
    assert disabled.status_code == 403 and disabled.json()["error"]["code"] == "admin_disabled"


async def test_admin_api_lists_config_sources_without_secrets(
    admin_capture: httpx.AsyncClient,
) -> None:
    response = await admin_capture.get("/v1/admin/sources", headers=ADMIN)
    assert response.status_code == 200
    by_id = {s["id"]: s for s in response.json()}
    assert by_id["webhook"]["managed_by"] == "config" and by_id["webhook"]["signed"] is True
    assert "secret" not in by_id["webhook"]
    assert "example-secret" not in response.text


async def test_a_source_created_through_the_api_takes_leads_and_its_rate_limit(
    admin_capture: httpx.AsyncClient,
) -> None:
    source_id = f"landing-{uuid.uuid4().hex[:8]}"
    definition = {"name": "Spring campaign", "default_cta": "webinar", "rate_limit_per_second": 2}
    created = await admin_capture.put(
        f"/v1/admin/sources/{source_id}", json=definition, headers=ADMIN
    )
    assert created.status_code == 201 and created.json()["managed_by"] == "api"
    replaced = await admin_capture.put(
        f"/v1/admin/sources/{source_id}", json=definition, headers=ADMIN
    )
    assert replaced.status_code == 200

    statuses = []
    for _ in range(3):
        response = await admin_capture.post(
            "/v1/leads", json=unique_lead(), headers={"X-Leadflow-Source": source_id}
        )
        statuses.append(response.status_code)
    assert statuses == [202, 202, 429]
    assert int(response.headers["Retry-After"]) >= 1

    deleted = await admin_capture.delete(f"/v1/admin/sources/{source_id}", headers=ADMIN)
    assert deleted.status_code == 204
    gone = await admin_capture.post(
        "/v1/leads", json=unique_lead(), headers={"X-Leadflow-Source": source_id}
    )
    assert gone.status_code == 400 and gone.json()["error"]["code"] == "unknown_source"
    again = await admin_capture.delete(f"/v1/admin/sources/{source_id}", headers=ADMIN)
    assert again.status_code == 404


async def test_config_sources_cannot_be_changed_through_the_api(
    admin_capture: httpx.AsyncClient,
) -> None:
    put = await admin_capture.put(
        "/v1/admin/sources/web-form", json={"name": "Mine now"}, headers=ADMIN
    )
    delete = await admin_capture.delete("/v1/admin/sources/web-form", headers=ADMIN)
    assert put.status_code == delete.status_code == 409
    assert put.json()["error"]["code"] == "managed_by_config"


@pytest.mark.parametrize(
    "definition",
    [
        {},
        {"name": "x", "thank_you_url": "javascript:alert(1)"},
        {"name": "x", "rate_limit_per_second": 0},
        {"name": "x", "surprise": True},
    ],
)
async def test_invalid_source_definitions_get_field_level_422(
    admin_capture: httpx.AsyncClient, definition: dict[str, object]
) -> None:
    response = await admin_capture.put("/v1/admin/sources/new-one", json=definition, headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "the source is invalid"
    assert response.json()["error"]["details"]


async def test_expired_dedupe_keys_and_signatures_are_forgotten(
    infra_env: Infra, capture_db: asyncpg.Connection
) -> None:
    from leadflow_capture.intake.handlers import forget_expired
    from leadflow_shared.db import Database

    old, live = uuid.uuid4().bytes, uuid.uuid4().bytes
    await capture_db.execute(
        "INSERT INTO capture.dedupe_keys (key, lead_id, expires_at) VALUES"
        " ($1, gen_random_uuid(), now() - interval '1 s'),"
        " ($2, gen_random_uuid(), now() + interval '1 h')",
        old,
        live,
    )
    db = Database(infra_env.service_url("capture"), pool_size=1)
    try:
        assert await forget_expired(db.unit_of_work()) >= 1
    finally:
        await db.dispose()
    left = await capture_db.fetch(
        "SELECT key FROM capture.dedupe_keys WHERE key = ANY($1::bytea[])", [old, live]
    )
    assert [r["key"] for r in left] == [live]


async def test_a_key_stored_before_its_submission_was_kept_still_answers_a_retry(
    capture: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    """Keys written before capture kept the submission's digest (or by an older capture
    during an upgrade) have none: a retry is answered with the first lead, as before."""
    key = f"order-{uuid.uuid4()}"
    lead = unique_lead()
    headers = {"X-Leadflow-Source": "web-form", "Idempotency-Key": key}
    first = await capture.post("/v1/leads", json=lead, headers=headers)
    await capture_db.execute(
        "UPDATE capture.dedupe_keys SET body = NULL WHERE lead_id = $1",
        uuid.UUID(first.json()["lead_id"]),
    )
    retry = await capture.post("/v1/leads", json=lead, headers=headers)
    assert first.status_code == retry.status_code == 202
    assert retry.json()["lead_id"] == first.json()["lead_id"]
