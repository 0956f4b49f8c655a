"""lz4 for large values

Events in the outbox (and verify's checks) pass the size at which Postgres compresses a
value; lz4 compresses them in about half the CPU of the default pglz.

Revision ID: 77d211811336
Revises: 36d358d0e395
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

from leadflow_shared.migrations import steps

revision: str = "77d211811336"
down_revision: str | None = "36d358d0e395"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"outbox": ("value",)}


def upgrade() -> None:
    steps.lz4_for_large_values_2026_12_02("capture", COLUMNS)


def downgrade() -> None:
    steps.lz4_for_large_values_2026_12_02_undo("capture", COLUMNS)
