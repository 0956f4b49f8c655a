"""contact's table: one verification per lead."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadflow_verify.schema import metadata

verifications = sa.Table(
    "verifications",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("contact", JSONB, nullable=False),
    sa.Column("checks", JSONB, nullable=False),
    sa.Column("reasons", JSONB, nullable=False),
    sa.Column(
        "verified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)
