from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from leadflow_local.postgres import plain_dsn
from tests.conftest import Infra


def client_for(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://capture")


@pytest.fixture(scope="module")
async def capture(infra_env: Infra) -> AsyncIterator[httpx.AsyncClient]:
    app = CAPTURE.create_app(infra_env.settings(CaptureSettings, "capture"))
    async with client_for(app) as client:
        yield client


@pytest.fixture
async def capture_db(infra_env: Infra) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(plain_dsn(infra_env.service_url("capture")))
    try:
        yield conn
    finally:
        await conn.close()
