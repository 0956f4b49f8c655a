"""The consumer process's operations endpoint, over a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from leadflow_shared.readiness import Readiness
from leadflow_shared.service.operations import OperationsServer
from tests.infra import free_port


@pytest.fixture
async def server() -> AsyncIterator[tuple[OperationsServer, Readiness]]:
    readiness = Readiness(["relaying"])
    ops = OperationsServer(readiness, "127.0.0.1", free_port())
    await ops.start()
    yield ops, readiness
    await ops.close()


async def test_readyz_follows_readiness_and_healthz_and_metrics_answer(
    server: tuple[OperationsServer, Readiness],
) -> None:
    ops, readiness = server
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ops.port}") as client:
        waiting = await client.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json() == {"status": "not ready", "checks": {"relaying": "waiting"}}
        readiness.report("relaying", True)
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200 and "python_info" in metrics.text
        assert (await client.get("/nope")).status_code == 404
        assert (await client.post("/readyz")).status_code == 405


async def test_junk_is_dropped_without_an_answer(
    server: tuple[OperationsServer, Readiness],
) -> None:
    ops, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", ops.port)
    writer.write(b"\x00" * 10000)
    await writer.drain()
    assert await reader.read() == b""
    writer.close()
