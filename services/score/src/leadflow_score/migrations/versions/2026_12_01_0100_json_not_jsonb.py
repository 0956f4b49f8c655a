"""scores: json, not jsonb

Rows are written once and read whole, never queried inside: json keeps the text as given,
where jsonb parses and rebuilds it on every insert (a large share of Postgres's CPU on a
stage's hot path).

Revision ID: 53d199245b8a
Revises: eb9a8f113a23
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "53d199245b8a"
down_revision: str | None = "eb9a8f113a23"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "scores",
        "explanation",
        type_=sa.JSON(),
        postgresql_using="explanation::json",
        schema="score",
    )


def downgrade() -> None:
    op.alter_column(
        "scores",
        "explanation",
        type_=postgresql.JSONB(),
        postgresql_using="explanation::jsonb",
        schema="score",
    )
