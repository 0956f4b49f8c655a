"""reps' credit in the weighted rotation

Revision ID: 8b2e4c6a1d37
Revises: 6497e03fa13f
Create Date: 2026-12-03 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b2e4c6a1d37"
down_revision: str | None = "6497e03fa13f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "reps",
        sa.Column("credit", sa.BigInteger(), server_default="0", nullable=False),
        schema="router",
    )


def downgrade() -> None:
    op.drop_column("reps", "credit", schema="router")
