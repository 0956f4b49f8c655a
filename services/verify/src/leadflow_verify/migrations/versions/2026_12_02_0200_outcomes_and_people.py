"""verification outcomes, findings and duplicate links; people for duplicate matching; the
suppression list

Existing verdicts become ``verified`` (accepted) or ``rejected``, with no findings.

Revision ID: 7e3a9c41d2b0
Revises: bb8d15348149
Create Date: 2026-12-02 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e3a9c41d2b0"
down_revision: str | None = "bb8d15348149"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("verifications", sa.Column("outcome", sa.Text(), nullable=True), schema="verify")
    op.execute(
        "UPDATE verify.verifications"
        " SET outcome = CASE WHEN accepted THEN 'verified' ELSE 'rejected' END"
    )
    op.alter_column("verifications", "outcome", nullable=False, schema="verify")
    op.add_column(
        "verifications",
        sa.Column("findings", sa.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        schema="verify",
    )
    op.add_column(
        "verifications",
        sa.Column("review_reasons", sa.JSON(), nullable=False, server_default="[]"),
        schema="verify",
    )
    op.add_column(
        "verifications", sa.Column("duplicate_of", sa.Uuid(), nullable=True), schema="verify"
    )
    op.add_column(
        "verifications", sa.Column("duplicate_match", sa.JSON(), nullable=True), schema="verify"
    )
    op.create_index(
        "ix_verifications_verified_at",
        "verifications",
        ["verified_at"],
        schema="verify",
        postgresql_using="brin",
    )
    op.create_table(
        "people",
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("first_lead_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("block", sa.Text(), nullable=True),
        sa.Column(
            "seen_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("lead_id", name="pk_people"),
        schema="verify",
    )
    for column in ("email", "phone", "block"):
        op.create_index(f"ix_people_{column}", "people", [column], schema="verify")
    op.create_table(
        "suppressions",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("kind", "value", name="pk_suppressions"),
        schema="verify",
    )


def downgrade() -> None:
    op.drop_table("suppressions", schema="verify")
    op.drop_table("people", schema="verify")
    op.drop_index("ix_verifications_verified_at", "verifications", schema="verify")
    for column in ("duplicate_match", "duplicate_of", "review_reasons", "findings", "outcome"):
        op.drop_column("verifications", column, schema="verify")
