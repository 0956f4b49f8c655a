"""The consumer's webhook chore as the service declares it (its ports and settings), posting
to a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.config import RouterConfig
from leadflow_router.service import SERVICE as ROUTER
from leadflow_router.settings import RouterSettings
from leadflow_router.webhooks.chores import IDLE_INTERVAL_S, check_webhook_secrets
from leadflow_router.webhooks.ports import WebhookClient
from leadflow_shared.service.runtime import build_runtime
from leadflow_shared.signing import verify_signature
from tests.conftest import Infra
from tests.integration.router.kit import NOW, FixedClock, scored, team_database
from tests.support import handle

SECRET = "northwind-loopback-secret"


@asynccontextmanager
async def partner_server() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """An HTTP/1.1 server on loopback that answers every POST 204 and keeps what came."""
    received: list[tuple[dict[str, str], bytes]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")[1:]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                received.append((headers, body))
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/leadflow/offers", received
    finally:
        server.close()
        await server.wait_closed()


async def test_the_declared_chore_posts_signed_offers_over_http(infra_env: Infra) -> None:
    async with partner_server() as (url, received):
        team = RouterConfig.model_validate(
            {
                "partners": [
                    {
                        "id": "partner-northwind",
                        "name": "Northwind",
                        "territories": ["AU"],
                        "webhook": {"url": url, "secret": SECRET},
                    }
                ]
            }
        )
        async with team_database(infra_env, team) as db:
            async with db.driver_connection() as conn:
                await conn.execute("DELETE FROM router.webhook_deliveries")
            lead = scored("AU", "cold", "lead")
            await handle(db, route_leads, [lead], clock=FixedClock(NOW))
            settings = infra_env.settings(RouterSettings, "router")
            check_webhook_secrets(settings)  # the consumer's preflight: the example config
            runtime = build_runtime(
                ROUTER, settings, pool_size=2, role="consumer", ports={"clock": FixedClock(NOW)}
            )
            try:
                (deliver,) = [c for c in ROUTER.chores if c.name == "posting partners' webhooks"]
                # the example configuration has no webhook (this team's is in the database)
                assert deliver.every_s(settings) == IDLE_INTERVAL_S
                await deliver.run(runtime)
            finally:
                await runtime.db.dispose()
                await runtime.port("webhooks", WebhookClient).aclose()
    assert ROUTER.preflight is check_webhook_secrets
    ((headers, body),) = received
    verify_signature(
        SECRET, headers["x-leadflow-signature"], body, now=NOW.timestamp(), tolerance_s=300
    )
    assert headers["content-type"] == "application/json"
    assert headers["x-leadflow-partner"] == "partner-northwind"
    assert f'"lead_id":"{lead.lead_id}"' in body.decode()
