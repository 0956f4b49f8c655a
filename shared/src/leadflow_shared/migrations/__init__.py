"""Per-service Alembic migrations, each scoped to the service's own schema.

Every service keeps its revisions in ``leadflow_<service>/migrations/versions`` and its
version table inside its schema; they all share one Alembic environment
(``alembic_env/``), which reads the service's tables and schema from the Alembic config.
``migrate`` first (optionally, with an admin URL) creates the service's login role and
schema, then upgrades to head *as that role*.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import asyncpg
import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from leadflow_shared.logging import get_logger

log = get_logger(__name__)


def _plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _ident(name: str) -> str:
    """A quoted SQL identifier (any name a database, role or schema may have)."""
    if not name or "\x00" in name:
        raise ValueError(f"invalid SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


async def ensure_role_and_schema(admin_url: str, service_url: str, schema: str) -> None:
    """Create the service's login role and schema if missing; grant it nothing else."""
    service = make_url(service_url)
    role, password = service.username, service.password
    if not role:
        raise ValueError("the service database URL must name the service's role")
    conn = await asyncpg.connect(_plain_dsn(admin_url))
    try:
        async with conn.transaction():
            # Serialise concurrent migrate runs: CREATE ROLE has no IF NOT EXISTS.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('leadflow-roles'))")
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f"CREATE ROLE {_ident(role)} LOGIN")
            if password:
                # Parameters are not allowed in utility statements; quote the literal.
                literal = await conn.fetchval("SELECT quote_literal($1::text)", password)
                await conn.execute(f"ALTER ROLE {_ident(role)} PASSWORD {literal}")
            database = await conn.fetchval("SELECT current_database()")
            await conn.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(role)}")
            await conn.execute(
                f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)} AUTHORIZATION {_ident(role)}"
            )
            await conn.execute(f"ALTER SCHEMA {_ident(schema)} OWNER TO {_ident(role)}")
            await conn.execute(f"ALTER ROLE {_ident(role)} SET search_path = {_ident(schema)}")
    finally:
        await conn.close()
    log.info("role and schema ready", role=role, schema=schema)


def alembic_config(
    metadata: sa.MetaData, schema: str, versions: Traversable, database_url: str
) -> Config:
    """The Alembic config of one service: its revisions, tables and schema."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files(__name__).joinpath("alembic_env")))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(versions))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    cfg.attributes["target_metadata"] = metadata
    cfg.attributes["schema"] = schema
    return cfg


def upgrade(
    metadata: sa.MetaData,
    schema: str,
    versions: Traversable,
    database_url: str,
    revision: str = "head",
) -> None:
    command.upgrade(alembic_config(metadata, schema, versions, database_url), revision)


def run_env(target_metadata: sa.MetaData, schema: str) -> None:
    """The body of the shared ``alembic_env/env.py`` (online mode, asyncpg)."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set")

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table":
            return bool(getattr(obj, "schema", None) == schema)
        return True

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        # Reflect only the service's own schema (None: the default one, which is the same
        # schema through search_path): the others are not its to read.
        return name in (None, schema) if type_ == "schema" else True

    def run(connection: Connection) -> None:
        connection.execute(sa.text(f"SET search_path TO {_ident(schema)}"))
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_object=include_object,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(main())
