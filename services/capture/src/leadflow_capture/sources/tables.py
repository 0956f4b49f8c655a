"""sources' table: sources from the config file (read-only) and from the admin API."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadflow_capture.schema import metadata

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("definition", JSONB, nullable=False),
    sa.Column("managed_by", sa.Text, nullable=False),  # "config" or "api"
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)
