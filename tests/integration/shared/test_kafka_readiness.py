"""/readyz asks the broker a question (ApiVersions), not only whether it takes a TCP
connection: a frozen broker that accepts connections and never answers is not ready."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from leadflow_shared.http import kafka_reachable
from tests.conftest import Infra


@pytest.fixture
async def frozen() -> AsyncIterator[str]:
    """A server that accepts connections and reads, and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read()  # until the client gives up

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_the_test_broker_answers(infra_env: Infra) -> None:
    await kafka_reachable(infra_env.kafka_bootstrap)


async def test_a_broker_that_takes_connections_but_does_not_answer_is_not_reachable(
    frozen: str,
) -> None:
    with pytest.raises(ConnectionError, match="no Kafka bootstrap server answers"):
        await kafka_reachable(frozen, timeout_s=0.3)


async def test_any_answering_server_of_the_list_will_do(infra_env: Infra, frozen: str) -> None:
    await kafka_reachable(f"{frozen},{infra_env.kafka_bootstrap}", timeout_s=0.3)


async def test_nothing_listening_is_not_reachable() -> None:
    with pytest.raises(ConnectionError):
        await kafka_reachable("127.0.0.1:1", timeout_s=0.3)
