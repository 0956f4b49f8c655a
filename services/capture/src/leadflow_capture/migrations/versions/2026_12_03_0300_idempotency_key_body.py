"""an Idempotency-Key remembers what it came with

A digest of the submission beside each Idempotency-Key's dedupe key: the same key with a
different submission is refused instead of silently answered with the first lead.

Revision ID: 3f7a2c9e5b14
Revises: 77d211811336
Create Date: 2026-12-03 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7a2c9e5b14"
down_revision: str | None = "77d211811336"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dedupe_keys", sa.Column("body", sa.LargeBinary(), nullable=True), schema="capture"
    )


def downgrade() -> None:
    op.drop_column("dedupe_keys", "body", schema="capture")
