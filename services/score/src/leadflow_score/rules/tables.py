"""rules' table: one score per lead, with its explanation and rules version."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_score.schema import metadata

# json, not jsonb: written once and read whole (see the 2026-12-01 migration)
scores = sa.Table(
    "scores",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column(
        "scored_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)
