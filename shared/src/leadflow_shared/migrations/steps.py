"""Migration steps every service takes, one function per change, named for its date.

A service's revision file calls the step with its schema. Once released, a step never
changes: a later change is a new step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from alembic import op


def outbox_notify_and_prune_2026_11_30(schema: str) -> None:
    """The relay is woken by a notification on ``<schema>.outbox`` after every insert into
    the outbox; published rows can be kept (``published_at``), and the relay reads only
    the waiting ones; the inbox is pruned by time."""
    op.add_column(
        "outbox",
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_waiting",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index(
        "ix_inbox_processed_at",
        "inbox",
        ["processed_at"],
        schema=schema,
        postgresql_using="brin",
    )
    op.execute(
        f"""
        CREATE FUNCTION "{schema}".notify_outbox() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify(TG_TABLE_SCHEMA || '.outbox', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        f'CREATE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".notify_outbox()'
    )


def outbox_notify_and_prune_2026_11_30_undo(schema: str) -> None:
    op.execute(f'DROP TRIGGER outbox_notify ON "{schema}".outbox')
    op.execute(f'DROP FUNCTION "{schema}".notify_outbox()')
    op.drop_index("ix_inbox_processed_at", "inbox", schema=schema)
    op.drop_index("ix_outbox_waiting", "outbox", schema=schema)
    op.drop_column("outbox", "published_at", schema=schema)


def lz4_for_large_values_2026_12_02(schema: str, columns: Mapping[str, Sequence[str]]) -> None:
    """Values Postgres compresses (rows over about 2 kB: most events in an outbox, a lead's
    checks) compressed with lz4 instead of pglz: about half the CPU per row written, the
    same size. A server built without lz4 keeps pglz."""
    _set_compression(schema, columns, "lz4")


def lz4_for_large_values_2026_12_02_undo(schema: str, columns: Mapping[str, Sequence[str]]) -> None:
    _set_compression(schema, columns, "default")


def _set_compression(schema: str, columns: Mapping[str, Sequence[str]], method: str) -> None:
    for table, names in columns.items():
        for column in names:
            op.execute(
                f"""
                DO $$ BEGIN
                    ALTER TABLE "{schema}"."{table}" ALTER COLUMN "{column}"
                        SET COMPRESSION {method};
                EXCEPTION WHEN feature_not_supported THEN
                    RAISE NOTICE 'lz4 is not built into this server: pglz stays';
                END $$
                """
            )
