"""outbox notifications, published rows, inbox pruning

Revision ID: 36d358d0e395
Revises: 5c1f0e7a9b2d
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "36d358d0e395"
down_revision: str | None = "5c1f0e7a9b2d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30("capture")


def downgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30_undo("capture")
