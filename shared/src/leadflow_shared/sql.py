"""SQL helpers every service's tables and repositories share."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa


def schema_metadata(schema: str) -> sa.MetaData:
    """Metadata whose tables all live in the service's own schema."""
    return sa.MetaData(
        schema=schema,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        },
    )


def insert_unnest(table: sa.Table, columns: Mapping[str, str], suffix: str = "") -> str:
    """An INSERT of many rows in one statement, for asyncpg: pass one list per column, in
    the order of ``columns`` (column name → Postgres type); Postgres unnests the arrays
    into rows. ``suffix`` follows the SELECT (an ``ON CONFLICT`` clause, ``RETURNING``).

    One statement costs about the same to send, plan and run for one row as for hundreds,
    where an executemany sends and executes every row on its own.
    """
    names = ", ".join(columns)
    arrays = ", ".join(f"${n}::{pg_type}[]" for n, pg_type in enumerate(columns.values(), 1))
    return f"INSERT INTO {table.fullname} ({names}) SELECT * FROM unnest({arrays}) {suffix}".strip()
