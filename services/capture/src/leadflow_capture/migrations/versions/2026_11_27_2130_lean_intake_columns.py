"""Cheaper rows on the intake path: leads' submission and context as json, dedupe keys as
16-byte digests, signature digests compared bytewise

Storing a lead no longer builds jsonb (its parse was a quarter of Postgres's work per lead):
json keeps the text as submitted and only checks it. A dedupe key becomes 16 bytes of
SHA-256 over "<source id>:<kind>:<value>" (domain/dedupe.py): the unique index shrinks to a
fraction and compares with memcmp. Live Idempotency-Keys are carried over; double-submit
fingerprints (windows of seconds) are dropped, since their digest changes anyway.

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

SCHEMA = "capture"


def upgrade() -> None:
    for column in ("submission", "context"):
        op.alter_column(
            "leads",
            column,
            type_=sa.JSON(),
            existing_type=postgresql.JSONB(),
            existing_nullable=False,
            postgresql_using=f"{column}::json",
            schema=SCHEMA,
        )
    op.add_column("dedupe_keys", sa.Column("digest", sa.LargeBinary()), schema=SCHEMA)
    op.execute(
        "UPDATE capture.dedupe_keys SET digest = substr(sha256(convert_to("
        "source_id || ':key:' || substr(key, 5), 'UTF8')), 1, 16) WHERE key LIKE 'key:%'"
    )
    op.execute("DELETE FROM capture.dedupe_keys WHERE digest IS NULL")
    op.drop_constraint("pk_dedupe_keys", "dedupe_keys", schema=SCHEMA)
    op.drop_column("dedupe_keys", "source_id", schema=SCHEMA)
    op.drop_column("dedupe_keys", "key", schema=SCHEMA)
    op.alter_column("dedupe_keys", "digest", new_column_name="key", nullable=False, schema=SCHEMA)
    op.create_primary_key("pk_dedupe_keys", "dedupe_keys", ["key"], schema=SCHEMA)
    op.alter_column(
        "seen_signatures",
        "digest",
        type_=sa.Text(collation="C"),
        existing_nullable=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    """The earlier shape; dedupe keys are forgotten (a digest cannot be turned back)."""
    op.alter_column(
        "seen_signatures", "digest", type_=sa.Text(), existing_nullable=False, schema=SCHEMA
    )
    op.execute("DELETE FROM capture.dedupe_keys")
    op.drop_constraint("pk_dedupe_keys", "dedupe_keys", schema=SCHEMA)
    op.drop_column("dedupe_keys", "key", schema=SCHEMA)
    op.add_column("dedupe_keys", sa.Column("source_id", sa.Text(), nullable=False), schema=SCHEMA)
    op.add_column("dedupe_keys", sa.Column("key", sa.Text(), nullable=False), schema=SCHEMA)
    op.create_primary_key("pk_dedupe_keys", "dedupe_keys", ["source_id", "key"], schema=SCHEMA)
    for column in ("submission", "context"):
        op.alter_column(
            "leads",
            column,
            type_=postgresql.JSONB(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using=f"{column}::jsonb",
            schema=SCHEMA,
        )
