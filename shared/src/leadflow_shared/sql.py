"""SQLAlchemy helpers every service's tables and repositories share."""

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


def unnest_rows(columns: Mapping[str, str]) -> str:
    """``unnest(CAST(:a AS uuid[]), …)``: rows from one bound list per column, named after the
    column. ``columns`` maps column names to their Postgres types."""
    arrays = ", ".join(f"CAST(:{name} AS {pg_type}[])" for name, pg_type in columns.items())
    return f"unnest({arrays})"


def insert_arrays(table: sa.Table, columns: Mapping[str, str], suffix: str = "") -> sa.TextClause:
    """An INSERT of many rows in one statement. Bind each column as one list, named after
    the column; Postgres unnests the arrays into rows. ``suffix`` follows the SELECT (an
    ``ON CONFLICT`` clause, a ``RETURNING`` list).

    One statement costs about the same to send, plan and run for one row as for hundreds,
    where an executemany sends and executes every row on its own.
    """
    names = ", ".join(columns)
    return sa.text(
        f"INSERT INTO {table.fullname} ({names}) SELECT * FROM {unnest_rows(columns)} {suffix}"
    )
