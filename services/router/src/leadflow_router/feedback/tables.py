"""feedback's table: every report, as given."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("assignee_kind", sa.Text, nullable=False),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "lead_id"),
)

# Each lead's lead time: when it was captured, when its rep or partner first touched it
# (accepted or contacted) and when it converted, each with who it was.
lead_times = sa.Table(
    "lead_times",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("first_touch_at", sa.DateTime(timezone=True)),
    sa.Column("first_touch_kind", sa.Text),
    sa.Column("first_touch_id", sa.Text),
    sa.Column("converted_at", sa.DateTime(timezone=True)),
    sa.Column("converted_kind", sa.Text),
    sa.Column("converted_id", sa.Text),
    sa.Index(None, "received_at"),
)
