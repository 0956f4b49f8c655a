"""The routing policy's table: one row, the configuration file's ``routing`` section as
validated when it was last synced."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

routing_policy = sa.Table(
    "routing_policy",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),  # always "current"
    sa.Column("policy", sa.JSON, nullable=False),
    sa.Column(
        "synced_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)
