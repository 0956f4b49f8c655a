"""contact's table: one verification per lead."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_verify.schema import metadata

# json, not jsonb: written once and read whole (see the 2026-12-01 migration)
verifications = sa.Table(
    "verifications",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("contact", sa.JSON, nullable=False),
    sa.Column("checks", sa.JSON, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),
    # verified | needs_review | rejected; every finding's code (counted by the summary)
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("findings", sa.ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("review_reasons", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("duplicate_of", sa.Uuid, nullable=True),
    sa.Column("duplicate_match", sa.JSON, nullable=True),
    sa.Column(
        "verified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Index(None, "verified_at", postgresql_using="brin"),
)
