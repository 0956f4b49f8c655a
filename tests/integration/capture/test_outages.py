"""capture when Postgres or Kafka is unreachable."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from tests.conftest import Infra
from tests.integration.capture.conftest import client_for
from tests.proxy import CuttableProxy

WEB = {"X-Leadflow-Source": "web-form"}


async def test_postgres_down_answers_503_with_retry_after_then_recovers(infra_env: Infra) -> None:
    url = make_url(infra_env.service_url("capture"))
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = CAPTURE.create_app(
        infra_env.settings(
            CaptureSettings, "capture", database_url=via_proxy, sources_refresh_s=0.2
        )
    )
    async with client_for(app) as client:
        ok = await client.post("/v1/leads", json={"email": "a@example.com"}, headers=WEB)
        assert ok.status_code == 202

        await proxy.cut()
        down = await client.post("/v1/leads", json={"email": "b@example.com"}, headers=WEB)
        assert down.status_code == 503
        assert int(down.headers["Retry-After"]) > 0
        assert down.json()["error"]["code"] == "unavailable"
        # A browser posting the form without script is sent to the error page instead, also
        # once the cached sources are due for a reload that cannot happen.
        await asyncio.sleep(0.5)
        form = await client.post("/v1/forms/web-form", data={"email": "d@example.com"})
        assert form.status_code == 303
        assert form.headers["Location"].startswith(
            "http://127.0.0.1:8080/error.html?reason=unavailable"
        )
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["database"] != "ok"

        await proxy.restore()
        again = await client.post("/v1/leads", json={"email": "c@example.com"}, headers=WEB)
        assert again.status_code == 202
    await proxy.cut()


async def test_kafka_down_still_accepts_and_keeps_the_event_in_the_outbox(
    infra_env: Infra,
) -> None:
    app = CAPTURE.create_app(
        infra_env.settings(CaptureSettings, "capture", kafka_bootstrap_servers="127.0.0.1:1")
    )
    async with client_for(app) as client:
        response = await client.post("/v1/leads", json={"email": "k@example.com"}, headers=WEB)
        assert response.status_code == 202
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["kafka"] != "ok"
    lead_id = uuid.UUID(response.json()["lead_id"])
    conn = await asyncpg.connect(infra_env.admin_url.replace("+asyncpg", ""))
    try:
        pending = await conn.fetchval(
            "SELECT count(*) FROM capture.outbox WHERE key = $1", str(lead_id).encode()
        )
    finally:
        await conn.close()
    assert pending == 1  # waiting for the relay; tests/integration runs before any relay starts
