"""indexes: an assignee's leads by time (a rep's daily cap counts today's without reading
every lead it ever had), and the webhook deliveries of a lead (withdrawn when it moves on
from a partner)

Revision ID: 8b1f5c3e9d27
Revises: 7d4e2b9a6c15
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8b1f5c3e9d27"
down_revision: str | None = "7d4e2b9a6c15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "router"


def upgrade() -> None:
    op.create_index(
        "ix_assignments_assignee_kind_assignee_id_routed_at",
        "assignments",
        ["assignee_kind", "assignee_id", "routed_at"],
        schema=S,
    )
    op.drop_index("ix_assignments_assignee_kind_assignee_id", "assignments", schema=S)
    op.create_index("ix_webhook_deliveries_lead_id", "webhook_deliveries", ["lead_id"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_lead_id", "webhook_deliveries", schema=S)
    op.create_index(
        "ix_assignments_assignee_kind_assignee_id",
        "assignments",
        ["assignee_kind", "assignee_id"],
        schema=S,
    )
    op.drop_index("ix_assignments_assignee_kind_assignee_id_routed_at", "assignments", schema=S)
