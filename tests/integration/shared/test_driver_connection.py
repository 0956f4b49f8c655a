"""A driver connection a call may have left mid-statement is never handed out again."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from leadflow_shared.db import Database
from tests.conftest import Infra


async def test_a_cancelled_statement_closes_its_connection_and_the_next_gets_a_new_one(
    infra_env: Infra,
) -> None:
    db = Database(infra_env.service_url("capture"), pool_size=1)
    try:
        async with db.driver_connection() as conn:
            before = await conn.fetchval("SELECT pg_backend_pid()")

        async def slow() -> None:
            async with db.driver_connection() as conn:
                await conn.execute("SELECT pg_sleep(5)")

        task = asyncio.create_task(slow())
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.driver_connection() as conn:
            after = await conn.fetchval("SELECT pg_backend_pid()")
            assert await conn.fetchval("SELECT 1") == 1
        assert after != before
    finally:
        await db.dispose()


async def test_an_error_the_server_answered_keeps_the_connection(infra_env: Infra) -> None:
    db = Database(infra_env.service_url("capture"), pool_size=1)
    try:
        with pytest.raises(asyncpg.PostgresError):
            async with db.driver_connection() as conn:
                before = await conn.fetchval("SELECT pg_backend_pid()")
                await conn.execute("SELECT 1 / 0")
        async with db.driver_connection() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == before
    finally:
        await db.dispose()
