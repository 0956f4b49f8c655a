"""assignments' table: where each lead went, by which rule, and why."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadflow_router.schema import metadata

# json, not jsonb: written once and read whole (see the 2026-12-01 migration)
assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("assignee_kind", sa.Text, nullable=False),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("rule_path", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column(
        "routed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    # the latest feedback, and when feedback closed the lead (converted, junk, dead, rejected)
    sa.Column("outcome", sa.Text),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    # the lead's country (which reps may claim it from a queue) and what routing it again
    # publishes (source, score, contact, call to action, message, when received); None for
    # leads routed before they were kept
    sa.Column("country", sa.Text),
    sa.Column("details", sa.JSON),
    # which routing this is (1 the first; each claim or rejection routes it again), when its
    # assignee accepted it, and who rejected it so far ("rep:<id>", "partner:<id>")
    sa.Column("attempt", sa.Integer, nullable=False, server_default="1"),
    sa.Column("accepted_at", sa.DateTime(timezone=True)),
    sa.Column("declined_by", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Index(None, "assignee_kind", "assignee_id"),
)
