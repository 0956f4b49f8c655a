"""lz4 for large values

Events in the outbox (and verify's checks) pass the size at which Postgres compresses a
value; lz4 compresses them in about half the CPU of the default pglz.

Revision ID: 6497e03fa13f
Revises: 5d40bca43ee7
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "6497e03fa13f"
down_revision: str | None = "5d40bca43ee7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"outbox": ("value",)}


def upgrade() -> None:
    steps.lz4_for_large_values_2026_12_02("router", COLUMNS)


def downgrade() -> None:
    steps.lz4_for_large_values_2026_12_02_undo("router", COLUMNS)
