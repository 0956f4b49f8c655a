"""webhooks' table: the offers to post to partners' webhooks (an outbox of its own: a row is
written in the transaction that publishes the offer, and stays until it is delivered or
given up)."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow_router.schema import metadata

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("event_id", sa.Uuid, nullable=False, unique=True),  # the lead.offered event
    sa.Column("partner_id", sa.Text, nullable=False),
    sa.Column("lead_id", sa.Uuid, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),  # the event's JSON, as on the topic
    sa.Column("state", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # pending: when it is due (pushed on while a post is under way: a process that dies
    # posting leaves it to be taken again then)
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),  # delivered or failed
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Index(
        "ix_webhook_deliveries_due",
        "next_attempt_at",
        postgresql_where=sa.text("state = 'pending'"),
    ),
    sa.Index("ix_webhook_deliveries_finished_at", "finished_at"),
    sa.Index(None, "lead_id"),  # a lead's offers, withdrawn when it moves on
)
