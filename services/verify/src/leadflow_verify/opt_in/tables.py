"""opt_in's table: one confirmation per held lead."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_verify.schema import metadata

confirmations = sa.Table(
    "confirmations",
    metadata,
    sa.Column("lead_id", sa.Uuid, primary_key=True),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    # the lead.verified data published once confirmed, and the event ids it follows from
    sa.Column("held", sa.JSON, nullable=False),
    sa.Column("correlation_id", sa.Uuid, nullable=False),
    sa.Column("causation_id", sa.Uuid, nullable=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    # awaiting | confirmed | expired, and when it became one of the last two
    sa.Column("state", sa.Text, nullable=False, server_default="awaiting"),
    sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
    # the mail: pending | sent | undeliverable; tries so far; when to try next
    sa.Column("mail", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("mail_error", sa.Text, nullable=True),
    sa.Index(
        None,
        "next_attempt_at",
        postgresql_where=sa.text("state = 'awaiting' AND mail = 'pending'"),
    ),
    sa.Index(None, "expires_at", postgresql_where=sa.text("state = 'awaiting'")),
)
