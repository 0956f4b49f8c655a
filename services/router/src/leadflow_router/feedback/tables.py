"""feedback's table: every report, as given."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("assignee_kind", sa.Text, nullable=False),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "lead_id"),
)
