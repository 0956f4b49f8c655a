"""Cheaper columns on the intake path: leads' submission and context as json, dedupe keys
and signatures compared bytewise

Storing a lead no longer builds jsonb (its parse was a quarter of Postgres's work per lead):
json keeps the text as submitted and only checks it. Keys and digests are opaque strings:
the "C" collation compares them with memcmp instead of the locale's rules.

Revision ID: 5c1f0e7a9b2d
Revises: b19e732ff571
Create Date: 2026-11-27 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5c1f0e7a9b2d"
down_revision: str | None = "b19e732ff571"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BYTEWISE = sa.Text(collation="C")


def upgrade() -> None:
    for column in ("submission", "context"):
        op.alter_column(
            "leads",
            column,
            type_=sa.JSON(),
            existing_type=postgresql.JSONB(),
            existing_nullable=False,
            postgresql_using=f"{column}::json",
            schema="capture",
        )
    for column in ("source_id", "key"):
        op.alter_column(
            "dedupe_keys", column, type_=BYTEWISE, existing_nullable=False, schema="capture"
        )
    op.alter_column(
        "seen_signatures", "digest", type_=BYTEWISE, existing_nullable=False, schema="capture"
    )


def downgrade() -> None:
    op.alter_column(
        "seen_signatures", "digest", type_=sa.Text(), existing_nullable=False, schema="capture"
    )
    for column in ("source_id", "key"):
        op.alter_column(
            "dedupe_keys", column, type_=sa.Text(), existing_nullable=False, schema="capture"
        )
    for column in ("submission", "context"):
        op.alter_column(
            "leads",
            column,
            type_=postgresql.JSONB(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using=f"{column}::jsonb",
            schema="capture",
        )
