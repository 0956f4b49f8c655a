"""outbox notifications, published rows, inbox pruning

Revision ID: eb9a8f113a23
Revises: 9f65b0147fd6
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "eb9a8f113a23"
down_revision: str | None = "9f65b0147fd6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30("score")


def downgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30_undo("score")
