"""partners' table: the configured partner resellers."""

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
)
