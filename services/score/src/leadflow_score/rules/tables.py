"""rules' tables: each lead's current score, its score history, the inputs it was scored
from (so that it can be scored again, under decay or new rules), the feedback on it, and
the rules files known, one of them live.

json, not jsonb: written once and read whole (see the 2026-12-01 migration).
"""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_score.schema import metadata

_NOW = sa.func.now()

# The current score of each lead.
scores = sa.Table(
    "scores",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    # NULL in scores given before the two parts existed
    sa.Column("fit", sa.Integer),
    sa.Column("engagement", sa.Integer),
    sa.Column("status_reason", sa.Text),
    sa.Column("trigger", sa.Text),
    # when decay may have changed it (NULL: nothing left to decay)
    sa.Column("recheck_at", sa.DateTime(timezone=True)),
    sa.Index(
        "ix_scores_recheck_at", "recheck_at", postgresql_where=sa.text("recheck_at IS NOT NULL")
    ),
)

# Every score a lead was given that changed its score, temperature or status.
score_history = sa.Table(
    "score_history",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("fit", sa.Integer, nullable=False),
    sa.Column("engagement", sa.Integer, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("trigger", sa.Text, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_score_history_lead_id_id", "lead_id", "id"),
)

# What each lead was scored from: the verified lead (its checks left out: its findings
# stay) and the person it belongs to (its first lead: verify's duplicate_of, or itself).
score_inputs = sa.Table(
    "score_inputs",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.Uuid, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lead", sa.JSON, nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    sa.Index("ix_score_inputs_person_id", "person_id"),
    sa.Index("ix_score_inputs_received_at", "received_at"),
)

# Feedback from reps and partners (leads.feedback.v1), by person.
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("person_id", sa.Uuid, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_feedback_person_id", "person_id"),
)

# Every rules file registered (at start-up or by a replay); at most one is live.
rule_sets = sa.Table(
    "rule_sets",
    metadata,
    sa.Column("version", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    sa.Column("promoted_at", sa.DateTime(timezone=True)),
    sa.Column("live", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_rule_sets_live", "live", unique=True, postgresql_where=sa.text("live")),
)

# Scores a replay gave under rules not (yet) live: the shadow of ``scores``.
replayed_scores = sa.Table(
    "replayed_scores",
    metadata,
    sa.Column("rules_version", sa.Text, primary_key=True),
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("fit", sa.Integer, nullable=False),
    sa.Column("engagement", sa.Integer, nullable=False),
    sa.Column("temperature", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
    sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=False),
)
