"""Each service's migrations against its table definitions, and data carried across them."""

from __future__ import annotations

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
from tests.conftest import DECLARATIONS, Infra, migrate_to, off_loop


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
    # a server built without lz4 (the embedded one) keeps its default: pglz
    expected = "l" if await _has_lz4(infra_env.admin_url) else ""
    assert {column: method[column] for column in LARGE_VALUES[service]} == {
        column: expected for column in LARGE_VALUES[service]
    }


async def _has_lz4(admin_url: str) -> bool:
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        await conn.execute("SET default_toast_compression = 'lz4'")
    except asyncpg.PostgresError:
        return False
    finally:
        await conn.close()
    return True


async def test_live_idempotency_keys_survive_the_move_to_digests(infra_env: Infra) -> None:
    """The 2026-11-27 migration turns ("web-form", "key:abc") into key_digest(...)."""
    name = f"leadflow_migration_{uuid.uuid4().hex[:8]}"
    off_loop(lambda: create_database(infra_env.admin_url, name, exist_ok=False))
    admin_url = with_database(infra_env.admin_url, name)
    service_url = with_database(infra_env.service_url("capture"), name)
    try:
        migrate_to("capture", admin_url, service_url, "b19e732ff571")
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
            migrate_to("capture", admin_url, service_url, "head")
            rows = await conn.fetch("SELECT key, lead_id FROM capture.dedupe_keys")
        finally:
            await conn.close()
        assert [(bytes(r["key"]), r["lead_id"]) for r in rows] == [
            (key_digest("web-form", "key", "order-42"), kept)
        ]
    finally:
        off_loop(lambda: drop_database(infra_env.admin_url, name))


async def test_held_leads_get_one_mail_per_address_when_mails_move_to_their_own_table(
    infra_env: Infra,
) -> None:
    """The 2026-12-02 05:00 migration: a settled lead keeps how its mail went; the leads
    still waiting get one new mail per address, due at once (their old links named them)."""
    name = f"leadflow_migration_{uuid.uuid4().hex[:8]}"
    off_loop(lambda: create_database(infra_env.admin_url, name, exist_ok=False))
    admin_url = with_database(infra_env.admin_url, name)
    service_url = with_database(infra_env.service_url("verify"), name)
    ana_1, ana_2, bo, done = (uuid.uuid4() for _ in range(4))
    try:
        migrate_to("verify", admin_url, service_url, "4c1d8e2f7a93")
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            insert = (
                "INSERT INTO verify.confirmations (lead_id, source_id, email, held,"
                " correlation_id, requested_at, expires_at, state, settled_at, mail, attempts,"
                " next_attempt_at, sent_at, mail_error) VALUES ($1, 'newsletter', $2, '{}', $1,"
                " now() - interval '1 h', now() + $3 * interval '1 h', $4,"
                " $5::text::timestamptz, $6, $7, now(), $8::text::timestamptz, $9)"
            )
            await conn.execute(insert, ana_1, "ana@x.example", 47, "awaiting", None, "sent",
                               1, "2026-12-01T00:00:00Z", None)  # fmt: skip
            await conn.execute(insert, ana_2, "Ana@X.example", 48, "awaiting", None, "pending",
                               3, None, "connection refused")  # fmt: skip
            await conn.execute(insert, bo, "bo@x.example", 10, "awaiting", None, "pending",
                               0, None, None)  # fmt: skip
            await conn.execute(insert, done, "cy@x.example", 40, "confirmed", "2026-12-01T01:00Z",
                               "sent", 2, "2026-12-01T00:30:00Z", None)  # fmt: skip
            migrate_to("verify", admin_url, service_url, "head")
            leads = {
                r["lead_id"]: r["mail_id"]
                for r in await conn.fetch("SELECT lead_id, mail_id FROM verify.confirmations")
            }
            mails = {
                r["mail_id"]: dict(r)
                for r in await conn.fetch("SELECT * FROM verify.confirmation_mails")
            }
            migrate_to("verify", admin_url, service_url, "4c1d8e2f7a93", down=True)
            back = {
                r["lead_id"]: (r["mail"], r["attempts"], r["state"])
                for r in await conn.fetch("SELECT * FROM verify.confirmations")
            }
            migrate_to("verify", admin_url, service_url, "head")
        finally:
            await conn.close()
    finally:
        off_loop(lambda: drop_database(infra_env.admin_url, name))
    assert leads[ana_1] == leads[ana_2] and len(mails) == 3
    ana = mails[leads[ana_1]]
    assert (ana["address"], ana["state"], ana["delivery"], ana["attempts"]) == (
        "ana@x.example",
        "waiting",
        "pending",
        0,
    )
    assert ana["expires_at"] > mails[leads[bo]]["expires_at"]  # the later of the two
    assert ana["token_hash"] is None and ana["next_attempt_at"] <= ana["requested_at"]
    kept = mails[leads[done]]
    assert leads[done] == done and (kept["state"], kept["delivery"], kept["attempts"]) == (
        "confirmed",
        "sent",
        2,
    )
    assert back[done] == ("sent", 2, "confirmed") and back[bo] == ("pending", 0, "awaiting")
