"""/readyz asks the broker questions (ApiVersions, then Metadata), not only whether it takes
a TCP connection: a frozen broker that accepts connections and never answers is not ready,
and neither is one that answers ApiVersions but not Metadata."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from leadflow_shared.http import _metadata_version, kafka_reachable
from tests.conftest import Infra

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serving(handle: Handler) -> AsyncIterator[str]:
    """A loopback server handing each connection to ``handle``; its address."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await handle(reader, writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.fixture
async def frozen() -> AsyncIterator[str]:
    """A server that accepts connections and reads, and never answers."""

    async def never_answer(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    async with serving(never_answer) as address:
        yield address


@pytest.fixture
async def half() -> AsyncIterator[str]:
    """A server that answers ApiVersions (with no versions) and then nothing more."""

    async def versions_only(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        (size,) = struct.unpack(">i", await reader.readexactly(4))
        request = await reader.readexactly(size)
        correlation_id = request[4:8]
        answer = correlation_id + struct.pack(">hi", 0, 0)  # error 0, no api versions
        writer.write(struct.pack(">i", len(answer)) + answer)
        await writer.drain()
        await reader.read()  # the Metadata request: never answered

    async with serving(versions_only) as address:
        yield address


async def test_the_test_broker_answers(infra_env: Infra) -> None:
    await kafka_reachable(infra_env.kafka_bootstrap)


async def test_a_broker_that_takes_connections_but_does_not_answer_is_not_reachable(
    frozen: str,
) -> None:
    with pytest.raises(ConnectionError, match="no Kafka bootstrap server answers"):
        await kafka_reachable(frozen, timeout_s=0.3)


async def test_a_broker_that_answers_api_versions_but_not_metadata_is_not_reachable(
    half: str,
) -> None:
    with pytest.raises(ConnectionError, match="TimeoutError"):
        await kafka_reachable(half, timeout_s=0.3)


async def test_any_answering_server_of_the_list_will_do(infra_env: Infra, frozen: str) -> None:
    await kafka_reachable(f"{frozen},{infra_env.kafka_bootstrap}", timeout_s=0.3)


async def test_nothing_listening_is_not_reachable() -> None:
    with pytest.raises(ConnectionError):
        await kafka_reachable("127.0.0.1:1", timeout_s=0.3)


def api_versions_answer(*ranges: tuple[int, int, int], error: int = 0) -> bytes:
    body = struct.pack(">hi", error, len(ranges))
    return body + b"".join(struct.pack(">hhh", *r) for r in ranges)


def test_metadata_is_asked_in_the_newest_version_both_sides_speak() -> None:
    assert _metadata_version(api_versions_answer((18, 0, 3), (3, 0, 12))) == 8
    assert _metadata_version(api_versions_answer((3, 0, 5))) == 5
    assert _metadata_version(api_versions_answer((3, 4, 12))) == 8  # Kafka 4's oldest is 4
    assert _metadata_version(api_versions_answer((18, 0, 3))) == 1  # not listed
    with pytest.raises(ValueError, match="no Metadata version"):
        _metadata_version(api_versions_answer((3, 9, 13)))
    with pytest.raises(ValueError, match="error 35"):
        _metadata_version(api_versions_answer(error=35))
