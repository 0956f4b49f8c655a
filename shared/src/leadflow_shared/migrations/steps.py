"""Migration steps every service takes, one function per change, named for its date.

A service's revision file calls the step with its schema. Once released, a step never
changes: a later change is a new step.
"""

from __future__ import annotations

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
