"""keys' table: the API keys of reps and partners, stored as digests."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),  # the key's public part, shown in listings
    sa.Column("owner_kind", sa.Text, nullable=False),  # rep | partner
    sa.Column("owner_id", sa.Text, nullable=False),
    sa.Column("digest", sa.LargeBinary, nullable=False),  # sha256 of the whole token
    sa.Column("label", sa.Text),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Index(None, "owner_kind", "owner_id"),
)
