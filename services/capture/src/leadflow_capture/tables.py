"""capture's tables, all in the ``capture`` schema."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadflow_capture import SCHEMA
from leadflow_shared.db import messaging_tables, schema_metadata

metadata = schema_metadata(SCHEMA)

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.Text, nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submission", JSONB, nullable=False),
    sa.Column("context", JSONB, nullable=False),
    sa.UniqueConstraint("source_id", "idempotency_key"),
)

outbox, inbox = messaging_tables(metadata)
