"""suppression's table: the do-not-contact list."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_verify.schema import metadata

suppressions = sa.Table(
    "suppressions",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),  # email | domain | phone
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
