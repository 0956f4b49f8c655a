"""capture's tables, all in the ``capture`` schema."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadflow_capture import SCHEMA
from leadflow_shared.db import messaging_tables, schema_metadata

metadata = schema_metadata(SCHEMA)

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.Text, nullable=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # json, not jsonb: kept as submitted, and cheap to store (see the 2026-11-27 migration)
    sa.Column("submission", sa.JSON, nullable=False),
    sa.Column("context", sa.JSON, nullable=False),
)

# Opaque digests, compared bytewise.
Bytewise = sa.Text(collation="C")

# Sources from the config file (read-only) and from the admin API.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("definition", JSONB, nullable=False),
    sa.Column("managed_by", sa.Text, nullable=False),  # "config" or "api"
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# What makes a second submission the same lead: a digest of the source and its
# Idempotency-Key or fingerprint (domain/dedupe.py).
dedupe_keys = sa.Table(
    "dedupe_keys",
    metadata,
    sa.Column("key", sa.LargeBinary, primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# Webhook signatures already used: a replay of a signed request is refused.
seen_signatures = sa.Table(
    "seen_signatures",
    metadata,
    sa.Column("digest", Bytewise, primary_key=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# Submissions that were counted but never became leads (honeypot), per source and day.
spam_counts = sa.Table(
    "spam_counts",
    metadata,
    sa.Column("source_id", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("reason", sa.Text, primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
)

outbox, inbox = messaging_tables(metadata)
