"""Finding or starting a Postgres server, and giving each service its own database URL.

Order of preference: an admin URL from the environment, the server on 127.0.0.1:5432,
then an embedded server from the ``pgserver`` wheel (data kept under a folder you choose).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

from leadflow_local.broker import port_open

SERVICES = ("capture", "verify", "score", "router")


def role_for(service: str) -> str:
    return f"leadflow_{service}"


def service_url(admin_url: str, service: str, *, database: str | None = None) -> str:
    """The URL of ``service``'s own role on the admin URL's server (trust auth locally)."""
    url: URL = make_url(admin_url)
    url = url.set(
        drivername="postgresql+asyncpg",
        username=role_for(service),
        password=None,
        database=database or url.database,
    )
    return url.render_as_string(hide_password=False)


def with_database(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """A libpq-style URL asyncpg accepts (no ``+asyncpg`` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def local_admin_url(host: str = "127.0.0.1", port: int = 5432) -> str | None:
    """The local server's admin URL when something listens on its port."""
    if port_open(host, port):
        user = os.environ.get("PGUSER", "postgres")
        return f"postgresql://{user}@{host}:{port}/postgres"
    return None


async def _create_database(admin_url: str, name: str, *, exist_ok: bool) -> None:
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not exist_ok:
            raise RuntimeError(f"database {name} already exists")
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def create_database(admin_url: str, name: str, *, exist_ok: bool = True) -> None:
    asyncio.run(_create_database(admin_url, name, exist_ok=exist_ok))


def drop_database(admin_url: str, name: str) -> None:
    asyncio.run(_drop_database(admin_url, name))


class EmbeddedPostgres:
    """A Postgres server from the ``pgserver`` wheel, with its data under ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: object | None = None

    def start(self) -> str:
        """Start (or reuse) the server; returns its admin URL."""
        import pgserver  # imported here: only needed when no other server is at hand

        self.data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        self._server = server
        return str(server.get_uri())

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]


@contextmanager
def admin_server(given: str | None, data_dir: Path) -> Iterator[str]:
    """An admin URL: ``given`` when set, else the local server, else an embedded one with
    its data in ``data_dir`` (stopped again on exit)."""
    found = given or local_admin_url()
    if found is not None:
        yield found
        return
    embedded = EmbeddedPostgres(data_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()
