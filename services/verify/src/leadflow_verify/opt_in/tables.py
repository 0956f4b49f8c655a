"""opt_in's tables: one confirmation per held lead, and one mail per address at a time."""

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
    # awaiting | confirmed | expired | suppressed, and when it became one of the last three
    sa.Column("state", sa.Text, nullable=False, server_default="awaiting"),
    sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
    # the mail it waits for (confirmation_mails.mail_id)
    sa.Column("mail_id", sa.Uuid, nullable=False),
    sa.Index(None, "expires_at", postgresql_where=sa.text("state = 'awaiting'")),
    sa.Index(None, "mail_id"),
)

confirmation_mails = sa.Table(
    "confirmation_mails",
    metadata,
    sa.Column("mail_id", sa.Uuid, primary_key=True),
    # the address as repeats are matched (one mail waits per address), and where it goes
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),  # its link's deadline
    # waiting | confirmed | expired | withdrawn, and when it became one of the last three
    sa.Column("state", sa.Text, nullable=False, server_default="waiting"),
    sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
    # pending | sent | undeliverable; tries made; when to try next (or until when claimed)
    sa.Column("delivery", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claim", sa.Uuid, nullable=True),  # the try that holds it now
    # SHA-256 of the random part of the token in the last mail tried; never the token
    sa.Column("token_hash", sa.LargeBinary, nullable=True),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index(
        "ix_confirmation_mails_waiting_address",
        "address",
        unique=True,
        postgresql_where=sa.text("state = 'waiting'"),
    ),
    sa.Index(None, "address", "sent_at"),
    sa.Index(None, "token_hash", unique=True),
    sa.Index(
        None,
        "next_attempt_at",
        postgresql_where=sa.text("state = 'waiting' AND delivery = 'pending'"),
    ),
    sa.Index(None, "expires_at", postgresql_where=sa.text("state = 'waiting'")),
)
