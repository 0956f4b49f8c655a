"""verifications: json, not jsonb

Rows are written once and read whole, never queried inside: json keeps the text as given,
where jsonb parses and rebuilds it on every insert (a large share of Postgres's CPU on a
stage's hot path).

Revision ID: bb8d15348149
Revises: f61ad3b5298d
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "bb8d15348149"
down_revision: str | None = "f61ad3b5298d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "verifications",
        "contact",
        type_=sa.JSON(),
        postgresql_using="contact::json",
        schema="verify",
    )
    op.alter_column(
        "verifications", "checks", type_=sa.JSON(), postgresql_using="checks::json", schema="verify"
    )
    op.alter_column(
        "verifications",
        "reasons",
        type_=sa.JSON(),
        postgresql_using="reasons::json",
        schema="verify",
    )


def downgrade() -> None:
    op.alter_column(
        "verifications",
        "contact",
        type_=postgresql.JSONB(),
        postgresql_using="contact::jsonb",
        schema="verify",
    )
    op.alter_column(
        "verifications",
        "checks",
        type_=postgresql.JSONB(),
        postgresql_using="checks::jsonb",
        schema="verify",
    )
    op.alter_column(
        "verifications",
        "reasons",
        type_=postgresql.JSONB(),
        postgresql_using="reasons::jsonb",
        schema="verify",
    )
