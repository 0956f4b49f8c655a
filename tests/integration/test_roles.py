"""Each service's login role can use its own schema and nothing else."""

from __future__ import annotations

import itertools

import asyncpg
import pytest

from leadflow_local.postgres import SERVICES, plain_dsn
from tests.conftest import Infra

OWN_TABLE = {
    "capture": "capture.leads",
    "verify": "verify.verifications",
    "score": "score.scores",
    "router": "router.assignments",
}


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_uses_its_own_schema(infra_env: Infra, service: str) -> None:
    conn = await asyncpg.connect(plain_dsn(infra_env.service_url(service)))
    try:
        assert await conn.fetchval("SELECT current_user") == f"leadflow_{service}"
        # Unqualified names resolve in the service's schema; reading its tables is allowed.
        assert await conn.fetchval("SHOW search_path") == service
        table = OWN_TABLE[service].split(".")[1]
        await conn.fetch(f"SELECT * FROM {table} LIMIT 1")
        await conn.execute("INSERT INTO inbox (event_id, topic) VALUES (gen_random_uuid(), 't')")
    finally:
        await conn.close()


@pytest.mark.parametrize(("service", "other"), list(itertools.permutations(SERVICES, 2)))
async def test_a_role_is_refused_on_another_services_schema(
    infra_env: Infra, service: str, other: str
) -> None:
    conn = await asyncpg.connect(plain_dsn(infra_env.service_url(service)))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch(f"SELECT * FROM {OWN_TABLE[other]} LIMIT 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(
                f"INSERT INTO {other}.inbox (event_id, topic) VALUES (gen_random_uuid(), 'x')"
            )
    finally:
        await conn.close()


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_cannot_create_tables_outside_its_schema(
    infra_env: Infra, service: str
) -> None:
    conn = await asyncpg.connect(plain_dsn(infra_env.service_url(service)))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.intruder (id int)")
    finally:
        await conn.close()
