"""reps' table: the configured reps, with their round-robin state and what the admin API
set beside the configuration."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadflow_router.schema import metadata

reps = sa.Table(
    "reps",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("territories", ARRAY(sa.Text), nullable=False),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("assigned_total", sa.BigInteger, nullable=False, server_default="0"),
    # the weighted rotation's credit (smooth weighted round robin)
    sa.Column("credit", sa.BigInteger, nullable=False, server_default="0"),
    # leads assigned to the rep and not closed by feedback: the rep's capacity counts these
    sa.Column("open_leads", sa.Integer, nullable=False, server_default="0"),
    # from the configuration file: languages (ISO 639-1), segments, the most leads a day,
    # working hours ({"tz", "days"}) and out-of-office periods ([{"start", "end", "note"}])
    sa.Column("languages", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("segments", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("daily_cap", sa.Integer, nullable=True),
    sa.Column("hours", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("out_of_office", sa.JSON, nullable=False, server_default="[]"),
    # from the admin API, kept when the configuration is synced: set inactive, and
    # out-of-office periods beside the configuration's
    sa.Column("paused", sa.Boolean, nullable=False, server_default="false"),
    sa.Column("away", sa.JSON, nullable=False, server_default="[]"),
)
