"""double opt-in: a confirmation per held lead (its held event compressed with lz4, as
the outbox's are)

Revision ID: 4c1d8e2f7a93
Revises: 4aa080a629de
Create Date: 2026-12-02 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadflow_shared.migrations import steps

revision: str = "4c1d8e2f7a93"
down_revision: str | None = "4aa080a629de"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "confirmations",
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("held", sa.JSON(), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("causation_id", sa.Uuid(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Text(), server_default="awaiting", nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("lead_id", name="pk_confirmations"),
        schema="verify",
    )
    op.create_index(
        "ix_confirmations_next_attempt_at",
        "confirmations",
        ["next_attempt_at"],
        schema="verify",
        postgresql_where=sa.text("state = 'awaiting' AND mail = 'pending'"),
    )
    op.create_index(
        "ix_confirmations_expires_at",
        "confirmations",
        ["expires_at"],
        schema="verify",
        postgresql_where=sa.text("state = 'awaiting'"),
    )
    steps.lz4_for_large_values_2026_12_02("verify", {"confirmations": ("held",)})


def downgrade() -> None:
    op.drop_table("confirmations", schema="verify")
