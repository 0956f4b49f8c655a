"""reps' languages, segments, daily cap, working hours and out-of-office periods (and what
the admin API sets beside them); partners' weights, segments and rotation; the routing
policy; who has each company's leads

Every existing rep keeps today's behaviour: any language and segment, no daily cap, always
at work, never out of office. Every partner weighs 1 and takes every segment.

Revision ID: 7d4e2b9a6c15
Revises: 7d3b9e2f5a16
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d4e2b9a6c15"
down_revision: str | None = "7d3b9e2f5a16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "router"
_TEXTS = postgresql.ARRAY(sa.Text())


def upgrade() -> None:
    for column in (
        sa.Column("languages", _TEXTS, server_default="{}", nullable=False),
        sa.Column("segments", _TEXTS, server_default="{}", nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("hours", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("out_of_office", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("paused", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("away", sa.JSON(), server_default="[]", nullable=False),
    ):
        op.add_column("reps", column, schema=S)
    op.add_column(
        "partners", sa.Column("weight", sa.Integer(), server_default="1", nullable=False), schema=S
    )
    op.add_column(
        "partners", sa.Column("segments", _TEXTS, server_default="{}", nullable=False), schema=S
    )
    op.add_column(
        "partners",
        sa.Column("credit", sa.BigInteger(), server_default="0", nullable=False),
        schema=S,
    )
    op.add_column(
        "partners",
        sa.Column("last_offered_at", sa.DateTime(timezone=True), nullable=True),
        schema=S,
    )
    op.create_table(
        "routing_policy",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column(
            "synced_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_routing_policy"),
        schema=S,
    )
    op.create_table(
        "company_owners",
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("assignee_kind", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Text(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain", name="pk_company_owners"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("company_owners", schema=S)
    op.drop_table("routing_policy", schema=S)
    for column in ("last_offered_at", "credit", "segments", "weight"):
        op.drop_column("partners", column, schema=S)
    for column in (
        "away",
        "paused",
        "out_of_office",
        "hours",
        "daily_cap",
        "segments",
        "languages",
    ):
        op.drop_column("reps", column, schema=S)
