"""dedupe's table: each verified lead's matching keys and its person's first lead."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_verify.schema import metadata

people = sa.Table(
    "people",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("first_lead_id", sa.Uuid, nullable=False),
    sa.Column("email", sa.Text, nullable=True),
    sa.Column("phone", sa.Text, nullable=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("company", sa.Text, nullable=True),
    sa.Column("block", sa.Text, nullable=True),  # company and initials: near names meet here
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index(None, "email"),
    sa.Index(None, "phone"),
    sa.Index(None, "block"),
)
