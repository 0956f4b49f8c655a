"""feedback on assignments; reps' open leads (their capacity counts these)

Every assignment to a rep so far is open (no feedback could close one before): each rep's
open leads start as the count of their assignments.

Revision ID: 5c8d1e7f2a90
Revises: 8b2e4c6a1d37
Create Date: 2026-12-03 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c8d1e7f2a90"
down_revision: str | None = "8b2e4c6a1d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "router"


def upgrade() -> None:
    op.add_column("assignments", sa.Column("outcome", sa.Text(), nullable=True), schema=S)
    op.add_column(
        "assignments", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True), schema=S
    )
    op.add_column(
        "reps",
        sa.Column("open_leads", sa.Integer(), server_default="0", nullable=False),
        schema=S,
    )
    op.execute(
        """
        UPDATE router.reps AS r SET open_leads = a.n
        FROM (SELECT assignee_id, count(*) AS n FROM router.assignments
              WHERE assignee_kind = 'rep' GROUP BY assignee_id) AS a
        WHERE r.id = a.assignee_id
        """
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("assignee_kind", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        schema=S,
    )
    op.create_index("ix_feedback_lead_id", "feedback", ["lead_id"], schema=S)


def downgrade() -> None:
    op.drop_table("feedback", schema=S)
    op.drop_column("reps", "open_leads", schema=S)
    op.drop_column("assignments", "closed_at", schema=S)
    op.drop_column("assignments", "outcome", schema=S)
