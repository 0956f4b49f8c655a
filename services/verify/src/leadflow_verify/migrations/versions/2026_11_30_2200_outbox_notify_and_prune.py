"""outbox notifications, published rows, inbox pruning

Revision ID: f61ad3b5298d
Revises: 5c1096fff47f
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "f61ad3b5298d"
down_revision: str | None = "5c1096fff47f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30("verify")


def downgrade() -> None:
    steps.outbox_notify_and_prune_2026_11_30_undo("verify")
