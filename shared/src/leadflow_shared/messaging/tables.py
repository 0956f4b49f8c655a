"""The outbox and inbox tables every service keeps in its own schema."""

from __future__ import annotations

import sqlalchemy as sa


def messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """Add the ``outbox`` and ``inbox`` tables to a service's metadata; returns them."""
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.LargeBinary, nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        # Set when the broker acknowledged the event, for rows kept a while after that
        # (LEADFLOW_OUTBOX_RETENTION_S); the relay reads only the rows still waiting.
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Index(
            "ix_outbox_waiting",
            "id",
            postgresql_where=sa.text("published_at IS NULL"),
        ),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        # Rows arrive in time order: a BRIN index finds the old ones to prune and costs
        # next to nothing to keep up.
        sa.Index("ix_inbox_processed_at", "processed_at", postgresql_using="brin"),
    )
    return outbox, inbox
