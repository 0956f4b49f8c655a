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
    # by when its rep or partner must accept it (the SLA, see ``sla``); None: no deadline
    # (a queue, nurture, a claim, or no SLA configured). Kept here so it outlives a restart.
    sa.Column("answer_by", sa.DateTime(timezone=True)),
    # an assignee's leads, and a rep's since a time (the daily cap's count)
    sa.Index(None, "assignee_kind", "assignee_id", "routed_at"),
    # the SLA chore's look-up: only the open, unanswered assignments that have a deadline
    sa.Index(
        "ix_assignments_answer_by_open",
        "answer_by",
        postgresql_where=sa.text(
            "answer_by IS NOT NULL AND accepted_at IS NULL AND closed_at IS NULL"
        ),
    ),
)

# Every routing of every lead, the first and each later one (a claim, a rejection, an SLA
# that ran out): the audit's history. ``trace`` is the decision as ``history.trace_of``
# serialises it (the rotation's credits, the reps considered and why each was skipped).
routings = sa.Table(
    "routings",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("attempt", sa.Integer, primary_key=True),
    sa.Column("assignee_kind", sa.Text, nullable=False),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("previous_kind", sa.Text),
    sa.Column("previous_id", sa.Text),
    sa.Column("why", sa.Text, nullable=False),  # routed | claimed | rejected | sla-expired
    sa.Column("rule_path", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("trace", sa.JSON, nullable=False),
    sa.Column("answer_by", sa.DateTime(timezone=True)),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
)
