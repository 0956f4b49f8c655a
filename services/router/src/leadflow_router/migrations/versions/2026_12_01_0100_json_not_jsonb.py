"""assignments: json, not jsonb

Rows are written once and read whole, never queried inside: json keeps the text as given,
where jsonb parses and rebuilds it on every insert (a large share of Postgres's CPU on a
stage's hot path).

Revision ID: 5d40bca43ee7
Revises: 1192ced4fdf0
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5d40bca43ee7"
down_revision: str | None = "1192ced4fdf0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "assignments",
        "rule_path",
        type_=sa.JSON(),
        postgresql_using="rule_path::json",
        schema="router",
    )


def downgrade() -> None:
    op.alter_column(
        "assignments",
        "rule_path",
        type_=postgresql.JSONB(),
        postgresql_using="rule_path::jsonb",
        schema="router",
    )
