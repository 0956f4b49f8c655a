"""Each service's migrations against its table definitions, and data carried across them."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from leadflow_capture.intake.domain.dedupe import key_digest
from leadflow_local.postgres import create_database, drop_database, plain_dsn, with_database
from leadflow_shared.migrations import ensure_role_and_schema
from tests.conftest import DECLARATIONS, Infra, off_loop


def differences(connection: sa.Connection, schema: str, metadata: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _: (
                name in (None, schema) if type_ == "schema" else True
            ),
            "include_object": lambda obj, name, type_, reflected, _: (
                type_ != "table" or getattr(obj, "schema", None) in (None, schema)
            ),
            "compare_type": True,
            "version_table_schema": schema,
        },
    )
    return [d for d in compare_metadata(context, metadata) if "alembic_version" not in str(d)]


@pytest.mark.parametrize("service", ["capture", "verify", "score", "router"])
async def test_the_migrated_schema_is_what_the_tables_define(
    infra_env: Infra, service: str
) -> None:
    engine = create_async_engine(infra_env.service_url(service))
    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(differences, service, DECLARATIONS[service].metadata)
    finally:
        await engine.dispose()
    assert found == []


LARGE_VALUES = {
    "capture": [("outbox", "value")],
    "verify": [
        ("outbox", "value"),
        ("verifications", "checks"),
        ("verifications", "contact"),
        ("confirmations", "held"),
    ],
    "score": [("outbox", "value")],
    "router": [("outbox", "value")],
}


@pytest.mark.parametrize("service", list(LARGE_VALUES))
async def test_large_values_are_compressed_with_lz4(infra_env: Infra, service: str) -> None:
    """Postgres compresses events and checks over about 2 kB; lz4 does it for less CPU."""
    conn = await asyncpg.connect(plain_dsn(infra_env.admin_url))
    try:
        rows = await conn.fetch(
            "SELECT c.relname, a.attname, a.attcompression::text AS method FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped",
            service,
        )
    finally:
        await conn.close()
    method = {(r["relname"], r["attname"]): r["method"] for r in rows}
    assert {column: method[column] for column in LARGE_VALUES[service]} == {
        column: "l" for column in LARGE_VALUES[service]
    }


def migrate(admin_url: str, service_url: str, revision: str) -> None:
    """`leadflow-capture migrate` up to ``revision``."""

    def run() -> None:
        asyncio.run(ensure_role_and_schema(admin_url, service_url, "capture"))
        DECLARATIONS["capture"].upgrade(service_url, revision)

    off_loop(run)


async def test_live_idempotency_keys_survive_the_move_to_digests(infra_env: Infra) -> None:
    """The 2026-11-27 migration turns ("web-form", "key:abc") into key_digest(...)."""
    name = f"leadflow_migration_{uuid.uuid4().hex[:8]}"
    off_loop(lambda: create_database(infra_env.admin_url, name, exist_ok=False))
    admin_url = with_database(infra_env.admin_url, name)
    service_url = with_database(infra_env.service_url("capture"), name)
    try:
        migrate(admin_url, service_url, "b19e732ff571")
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            kept, dropped = uuid.uuid4(), uuid.uuid4()
            await conn.execute(
                "INSERT INTO capture.dedupe_keys VALUES "
                "('web-form', 'key:order-42', $1, now() + interval '1 h'), "
                "('web-form', 'fp:' || $3, $2, now() + interval '10 s')",
                kept,
                dropped,
                hashlib.sha256(b"x").hexdigest(),
            )
            migrate(admin_url, service_url, "head")
            rows = await conn.fetch("SELECT key, lead_id FROM capture.dedupe_keys")
        finally:
            await conn.close()
        assert [(bytes(r["key"]), r["lead_id"]) for r in rows] == [
            (key_digest("web-form", "key", "order-42"), kept)
        ]
    finally:
        off_loop(lambda: drop_database(infra_env.admin_url, name))
