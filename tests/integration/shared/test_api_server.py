"""How `leadflow-<service> api` runs uvicorn."""

from __future__ import annotations

import asyncio

import httpx
import uvicorn

from leadflow_shared.service.cli import uvicorn_options
from leadflow_shared.settings import ServiceSettings
from tests.infra import free_port


async def test_the_server_leaves_x_forwarded_for_to_the_service() -> None:
    """Only the service decides whether to believe X-Forwarded-For (capture: when
    LEADFLOW_TRUST_FORWARDED_FOR is set); uvicorn must not rewrite the client's address,
    not even for a request from 127.0.0.1."""
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope["client"][0])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    settings = ServiceSettings(database_url="postgresql://x@127.0.0.1/x", http_port=free_port())
    options = uvicorn_options(settings, workers=1)
    del options["factory"], options["workers"]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **options))
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(500):  # up to 5 s
            if server.started:
                break
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient() as client:
            response = await client.get(
                f"http://127.0.0.1:{settings.http_port}/", headers={"X-Forwarded-For": "6.6.6.6"}
            )
        assert response.status_code == 204
        assert seen == ["127.0.0.1"]
    finally:
        server.should_exit = True
        await serving
