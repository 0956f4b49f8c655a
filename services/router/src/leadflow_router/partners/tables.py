"""partners' table: the configured partner resellers, with their weighted rotation's state
(partners sharing a territory share its leads by weight)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadflow_router.schema import metadata

partners = sa.Table(
    "partners",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("territories", ARRAY(sa.Text), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("weight", sa.Integer, nullable=False, server_default="1"),
    sa.Column("segments", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("credit", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("last_offered_at", sa.DateTime(timezone=True), nullable=True),
)
