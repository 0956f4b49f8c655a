"""routing history and SLAs: every routing of a lead kept (the audit), each assignment's
deadline to be accepted by, and each lead's lead time

Assignments made before keep no deadline (they never expire) and no history row: their
history starts with their next routing. Lead times are recorded from now on.

Revision ID: 9e4b7c2d5a13
Revises: 3f9a6d2c4b81
Create Date: 2026-12-05 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e4b7c2d5a13"
down_revision: str | None = "3f9a6d2c4b81"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "router"


def upgrade() -> None:
    op.add_column(
        "assignments",
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=True),
        schema=S,
    )
    op.create_index(
        "ix_assignments_answer_by_open",
        "assignments",
        ["answer_by"],
        schema=S,
        postgresql_where=sa.text(
            "answer_by IS NOT NULL AND accepted_at IS NULL AND closed_at IS NULL"
        ),
    )
    op.create_table(
        "routings",
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("assignee_kind", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Text(), nullable=False),
        sa.Column("previous_kind", sa.Text(), nullable=True),
        sa.Column("previous_id", sa.Text(), nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("rule_path", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lead_id", "attempt", name="pk_routings"),
        schema=S,
    )
    op.create_table(
        "lead_times",
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_touch_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_touch_kind", sa.Text(), nullable=True),
        sa.Column("first_touch_id", sa.Text(), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_kind", sa.Text(), nullable=True),
        sa.Column("converted_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("lead_id", name="pk_lead_times"),
        schema=S,
    )
    op.create_index("ix_lead_times_received_at", "lead_times", ["received_at"], schema=S)


def downgrade() -> None:
    op.drop_table("lead_times", schema=S)
    op.drop_table("routings", schema=S)
    op.drop_index("ix_assignments_answer_by_open", table_name="assignments", schema=S)
    op.drop_column("assignments", "answer_by", schema=S)
