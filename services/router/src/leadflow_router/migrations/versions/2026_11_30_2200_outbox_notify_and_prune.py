"""outbox notifications, published rows, inbox pruning

Revision ID: 1192ced4fdf0
Revises: bc0947784746
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "1192ced4fdf0"
down_revision: str | None = "bc0947784746"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30("router")


def downgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30_undo("router")
