"""router's 2026-12-05 migration (partner webhooks and their deliveries), up and down."""

from __future__ import annotations

import asyncpg

from leadflow_local.postgres import plain_dsn
from tests.conftest import Infra, fresh_database, migrate_to

BEFORE = "9e4b7c2d5a13"  # the migration before: history and SLAs
TABLES = (
    "SELECT to_regclass('router.partner_webhooks')::text,"
    " to_regclass('router.webhook_deliveries')::text"
)


async def test_the_webhook_tables_come_and_go(infra_env: Infra) -> None:
    with fresh_database(infra_env, ()) as own:  # a database of its own, not migrated
        admin_url, service_url = own.admin_url, own.service_url("router")
        migrate_to("router", admin_url, service_url, "7d3b9e2f5a16")
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            up = tuple(await conn.fetchrow(TABLES))
            migrate_to("router", admin_url, service_url, BEFORE, down=True)
            down = tuple(await conn.fetchrow(TABLES))
        finally:
            await conn.close()
    assert up == ("router.partner_webhooks", "router.webhook_deliveries")
    assert down == (None, None)
