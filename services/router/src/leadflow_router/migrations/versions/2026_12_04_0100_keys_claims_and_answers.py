"""reps' and partners' API keys; what claims and answers need on assignments

Assignments keep the lead's country (who may claim it from a queue) and the details a new
``lead.routed`` repeats (``details``: None for the leads routed before, which are neither
claimed nor handed on), which routing of the lead this is, when its assignee accepted it,
and who rejected it so far.

Revision ID: 3f9a6d2c4b81
Revises: 5c8d1e7f2a90
Create Date: 2026-12-04 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "3f9a6d2c4b81"
down_revision: str | None = "5c8d1e7f2a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "router"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("owner_kind", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Text(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        schema=S,
    )
    op.create_index(
        "ix_api_keys_owner_kind_owner_id", "api_keys", ["owner_kind", "owner_id"], schema=S
    )
    op.add_column("assignments", sa.Column("country", sa.Text(), nullable=True), schema=S)
    op.add_column("assignments", sa.Column("details", sa.JSON(), nullable=True), schema=S)
    op.add_column(
        "assignments",
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        schema=S,
    )
    op.add_column(
        "assignments",
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        schema=S,
    )
    op.add_column(
        "assignments",
        sa.Column("declined_by", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for column in ("declined_by", "accepted_at", "attempt", "details", "country"):
        op.drop_column("assignments", column, schema=S)
    op.drop_table("api_keys", schema=S)
