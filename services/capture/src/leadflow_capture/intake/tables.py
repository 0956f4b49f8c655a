"""intake's tables: leads, what makes a repeat the same lead, signatures seen, spam."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_capture.schema import metadata

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

# What makes a second submission the same lead: a digest of the source and its
# Idempotency-Key or fingerprint (domain/dedupe.py).
dedupe_keys = sa.Table(
    "dedupe_keys",
    metadata,
    sa.Column("key", sa.LargeBinary, primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # an Idempotency-Key's: a digest of the submission it came with
    sa.Column("body", sa.LargeBinary, nullable=True),
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
