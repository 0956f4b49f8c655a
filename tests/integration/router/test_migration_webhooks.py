"""router's 2026-12-05 migration (partner webhooks and their deliveries), up and down."""

from __future__ import annotations

import uuid

import asyncpg

from leadflow_local.postgres import create_database, drop_database, plain_dsn, with_database
from tests.conftest import Infra, migrate_to, off_loop

BEFORE = "9e4b7c2d5a13"  # the migration before: history and SLAs
TABLES = (
    "SELECT to_regclass('router.partner_webhooks')::text,"
    " to_regclass('router.webhook_deliveries')::text"
)


async def test_the_webhook_tables_come_and_go(infra_env: Infra) -> None:
    name = f"leadflow_migration_{uuid.uuid4().hex[:8]}"
    off_loop(lambda: create_database(infra_env.admin_url, name, exist_ok=False))
    admin_url = with_database(infra_env.admin_url, name)
    service_url = with_database(infra_env.service_url("router"), name)
    try:
        migrate_to("router", admin_url, service_url, "7d3b9e2f5a16")
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            up = tuple(await conn.fetchrow(TABLES))
            migrate_to("router", admin_url, service_url, BEFORE, down=True)
            down = tuple(await conn.fetchrow(TABLES))
        finally:
            await conn.close()
    finally:
        off_loop(lambda: drop_database(infra_env.admin_url, name))
    assert up == ("router.partner_webhooks", "router.webhook_deliveries")
    assert down == (None, None)
