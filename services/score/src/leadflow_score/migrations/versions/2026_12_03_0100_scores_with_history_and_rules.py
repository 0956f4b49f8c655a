"""scores in two parts with a history; the inputs each lead was scored from; feedback;
the rules files known (one live) and the scores replays gave under other rules

Revision ID: 7e3b9a1c5d20
Revises: bdefc74fd103
Create Date: 2026-12-03 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadflow_shared.migrations import steps

revision: str = "7e3b9a1c5d20"
down_revision: str | None = "bdefc74fd103"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "score"
NOW = sa.text("now()")


def upgrade() -> None:
    for column in (
        sa.Column("fit", sa.Integer(), nullable=True),
        sa.Column("engagement", sa.Integer(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=True),
        sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("scores", column, schema=S)
    op.create_index(
        "ix_scores_recheck_at",
        "scores",
        ["recheck_at"],
        schema=S,
        postgresql_where=sa.text("recheck_at IS NOT NULL"),
    )
    op.create_table(
        "score_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("fit", sa.Integer(), nullable=False),
        sa.Column("engagement", sa.Integer(), nullable=False),
        sa.Column("temperature", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_history"),
        schema=S,
    )
    op.create_index("ix_score_history_lead_id_id", "score_history", ["lead_id", "id"], schema=S)
    op.create_table(
        "score_inputs",
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lead", sa.JSON(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name="pk_score_inputs"),
        schema=S,
    )
    op.create_index("ix_score_inputs_person_id", "score_inputs", ["person_id"], schema=S)
    op.create_index("ix_score_inputs_received_at", "score_inputs", ["received_at"], schema=S)
    op.create_table(
        "feedback",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_feedback"),
        schema=S,
    )
    op.create_index("ix_feedback_person_id", "feedback", ["person_id"], schema=S)
    op.create_table(
        "rule_sets",
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("live", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_rule_sets"),
        schema=S,
    )
    op.create_index(
        "ix_rule_sets_live",
        "rule_sets",
        ["live"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("live"),
    )
    op.create_table(
        "replayed_scores",
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("fit", sa.Integer(), nullable=False),
        sa.Column("engagement", sa.Integer(), nullable=False),
        sa.Column("temperature", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rules_version", "lead_id", name="pk_replayed_scores"),
        schema=S,
    )
    steps.lz4_for_large_values_2026_12_02(
        S, {"score_history": ("explanation",), "score_inputs": ("lead",)}
    )


def downgrade() -> None:
    for table in ("replayed_scores", "rule_sets", "feedback", "score_inputs", "score_history"):
        op.drop_table(table, schema=S)
    op.drop_index("ix_scores_recheck_at", table_name="scores", schema=S)
    for column in ("recheck_at", "trigger", "status_reason", "engagement", "fit"):
        op.drop_column("scores", column, schema=S)
