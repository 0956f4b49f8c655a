"""router's tables, all in the ``router`` schema."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from leadflow_router import SCHEMA
from leadflow_shared.db import messaging_tables, schema_metadata

metadata = schema_metadata(SCHEMA)

reps = sa.Table(
    "reps",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("territories", ARRAY(sa.Text), nullable=False),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("assigned_total", sa.BigInteger, nullable=False, server_default="0"),
)

partners = sa.Table(
    "partners",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("territories", ARRAY(sa.Text), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("assignee_kind", sa.Text, nullable=False),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("rule_path", JSONB, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column(
        "routed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Index(None, "assignee_kind", "assignee_id"),
)

outbox, inbox = messaging_tables(metadata)
