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

# A partner's webhook (from the configuration file) and the health router keeps of it.
# ``secret`` is the file's own secret; ``secret_env`` names the consumer's environment
# variable that holds it instead (its value is never stored).
partner_webhooks = sa.Table(
    "partner_webhooks",
    metadata,
    sa.Column("partner_id", sa.Text, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("secret", sa.Text, nullable=True),
    sa.Column("secret_env", sa.Text, nullable=True),
    sa.Column("healthy", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),  # in a row
    sa.Column("probe_at", sa.DateTime(timezone=True), nullable=True),  # unhealthy: next try
    sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)
