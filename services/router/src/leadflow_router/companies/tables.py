"""companies' table: who has each company's leads (the last rep or partner routed one)."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

company_owners = sa.Table(
    "company_owners",
    metadata,
    sa.Column("domain", sa.Text, primary_key=True),
    sa.Column("assignee_kind", sa.Text, nullable=False),  # rep or partner
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("lead_id", sa.Uuid, nullable=False),  # the lead that made them its owner
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
)
