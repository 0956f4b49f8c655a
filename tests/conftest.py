"""Session-wide infrastructure: one broker, one fresh database with every service migrated."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pytest
from alembic import command

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_local.postgres import (
    SERVICES,
    create_database,
    drop_database,
    service_url,
    with_database,
)
from leadflow_router.service import SERVICE as ROUTER
from leadflow_score.service import SERVICE as SCORE
from leadflow_shared.db import Database
from leadflow_shared.migrations import alembic_config, ensure_role_and_schema
from leadflow_shared.service import Service
from leadflow_shared.settings import ServiceSettings
from leadflow_verify.service import SERVICE as VERIFY
from tests import infra

S = TypeVar("S", bound=ServiceSettings)
EXAMPLE_CONFIG = infra.ROOT / "deploy" / "examples" / "leadflow.yaml"
EXAMPLE_RULES = infra.ROOT / "deploy" / "examples" / "score-rules.yaml"
DECLARATIONS: dict[str, Service[Any]] = {
    "capture": CAPTURE,
    "verify": VERIFY,
    "score": SCORE,
    "router": ROUTER,
}


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    kafka_idempotence: bool
    admin_url: str  # admin URL of the test database
    database: str

    def service_url(self, service: str) -> str:
        return service_url(self.admin_url, service)

    @asynccontextmanager
    async def service_database(self, service: str) -> AsyncIterator[Database]:
        """``service``'s database as its own role, with its outbox."""
        db = Database(self.service_url(service), pool_size=2, outbox=DECLARATIONS[service].outbox())
        try:
            yield db
        finally:
            await db.dispose()

    def settings(self, cls: type[S], service: str, **overrides: Any) -> S:
        """The settings ``service`` would read from LEADFLOW_* variables in this session."""
        values: dict[str, Any] = {
            "database_url": self.service_url(service),
            "kafka_bootstrap_servers": self.kafka_bootstrap,
            "kafka_idempotence": self.kafka_idempotence,
            "kafka_session_timeout_ms": 6000,
            # Quiet spells between tests would otherwise slow the next test's first hops.
            "kafka_idle_fetch_max_wait_ms": 100,
            "config_file": EXAMPLE_CONFIG,
            "score_rules_file": EXAMPLE_RULES,
            "database_pool_size": 5,
            "ip_hash_salt": "test-salt-0123456789",
            "confirm_secret": "test-confirm-secret-0123456789abcdef",
            # Nothing listens on port 1: a verify consumer of a test that starts no SMTP
            # server of its own (tests/smtp_server.py) sends its confirmation mails nowhere.
            "smtp_port": 1,
        }
        return cls(**{**values, **overrides})


def off_loop(work: Callable[[], object]) -> None:
    """Run ``work`` on a thread of its own: it runs an event loop of its own (Alembic's env,
    the database helpers), which a running test loop would refuse."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(work).result()


def migrate_all(admin_url: str, services: Iterable[str] = SERVICES) -> None:
    """What `leadflow-<service> migrate` does for each service, with the admin URL set."""

    def run() -> None:
        import asyncio

        for service in services:
            url = service_url(admin_url, service)
            asyncio.run(ensure_role_and_schema(admin_url, url, service))
            DECLARATIONS[service].upgrade(url)

    off_loop(run)


def migrate_to(
    service: str, admin_url: str, service_url: str, revision: str, *, down: bool = False
) -> None:
    """What `leadflow-<service> migrate` does, up (or down) to ``revision`` only."""
    declaration = DECLARATIONS[service]

    def run() -> None:
        import asyncio

        asyncio.run(ensure_role_and_schema(admin_url, service_url, service))
        if down:
            config = alembic_config(
                declaration.metadata, declaration.schema, declaration.versions, service_url
            )
            command.downgrade(config, revision)
        else:
            declaration.upgrade(service_url, revision)

    off_loop(run)


@contextmanager
def fresh_database(infra: Infra, services: Iterable[str] = SERVICES) -> Iterator[Infra]:
    """A database of its own on the session's server, migrated for ``services``: for
    processes that must not share tables with the consumers this session runs."""
    name = f"leadflow_test_{uuid.uuid4().hex[:10]}"
    off_loop(lambda: create_database(infra.admin_url, name, exist_ok=False))
    admin_url = with_database(infra.admin_url, name)
    try:
        migrate_all(admin_url, services)
        yield replace(infra, admin_url=admin_url, database=name)
    finally:
        off_loop(lambda: drop_database(infra.admin_url, name))


@pytest.fixture(scope="session")
def infra_env() -> Iterator[Infra]:
    with infra.kafka() as (bootstrap, idempotence), infra.postgres() as server_admin_url:
        name = f"leadflow_test_{uuid.uuid4().hex[:10]}"
        off_loop(lambda: create_database(server_admin_url, name, exist_ok=False))
        admin_url = with_database(server_admin_url, name)
        try:
            migrate_all(admin_url)
            yield Infra(bootstrap, idempotence, admin_url, name)
        finally:
            off_loop(lambda: drop_database(server_admin_url, name))
