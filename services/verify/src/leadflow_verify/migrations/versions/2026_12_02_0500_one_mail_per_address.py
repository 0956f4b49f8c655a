"""double opt-in: one confirmation mail per address at a time, its link a random token
stored only as a digest; a held lead names the mail it waits for

A settled lead keeps how its mail went, in a mail row of its own. The leads still waiting
get one new mail per address (lower case here; new leads match addresses as repeats do),
due at once: the links mailed before named their lead and no longer work.

Revision ID: e600a1ba959c
Revises: 4c1d8e2f7a93
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e600a1ba959c"
down_revision: str | None = "4c1d8e2f7a93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAIL_COLUMNS = ("mail", "attempts", "next_attempt_at", "sent_at", "mail_error")


def upgrade() -> None:
    op.create_table(
        "confirmation_mails",
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Text(), server_default="waiting", nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.LargeBinary(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("mail_id", name="pk_confirmation_mails"),
        schema="verify",
    )
    op.create_index(
        "ix_confirmation_mails_waiting_address",
        "confirmation_mails",
        ["address"],
        unique=True,
        schema="verify",
        postgresql_where=sa.text("state = 'waiting'"),
    )
    op.create_index(
        "ix_confirmation_mails_address_sent_at",
        "confirmation_mails",
        ["address", "sent_at"],
        schema="verify",
    )
    op.create_index(
        "ix_confirmation_mails_token_hash",
        "confirmation_mails",
        ["token_hash"],
        unique=True,
        schema="verify",
    )
    op.create_index(
        "ix_confirmation_mails_next_attempt_at",
        "confirmation_mails",
        ["next_attempt_at"],
        schema="verify",
        postgresql_where=sa.text("state = 'waiting' AND delivery = 'pending'"),
    )
    op.create_index(
        "ix_confirmation_mails_expires_at",
        "confirmation_mails",
        ["expires_at"],
        schema="verify",
        postgresql_where=sa.text("state = 'waiting'"),
    )
    op.add_column("confirmations", sa.Column("mail_id", sa.Uuid(), nullable=True), schema="verify")
    op.execute(
        """
        INSERT INTO verify.confirmation_mails (mail_id, address, email, requested_at,
            expires_at, state, settled_at, delivery, attempts, next_attempt_at, sent_at, error)
        SELECT lead_id, lower(email), email, requested_at, expires_at, state, settled_at, mail,
            attempts, next_attempt_at, sent_at, mail_error
        FROM verify.confirmations WHERE state <> 'awaiting'
        """
    )
    op.execute("UPDATE verify.confirmations SET mail_id = lead_id WHERE state <> 'awaiting'")
    op.execute(
        """
        INSERT INTO verify.confirmation_mails (mail_id, address, email, requested_at,
            expires_at, next_attempt_at)
        SELECT (array_agg(lead_id ORDER BY requested_at, lead_id))[1], lower(email),
            (array_agg(email ORDER BY requested_at, lead_id))[1], now(), max(expires_at), now()
        FROM verify.confirmations WHERE state = 'awaiting' GROUP BY lower(email)
        """
    )
    op.execute(
        """
        UPDATE verify.confirmations AS c SET mail_id = m.mail_id
        FROM verify.confirmation_mails AS m
        WHERE c.state = 'awaiting' AND m.state = 'waiting' AND m.address = lower(c.email)
        """
    )
    op.alter_column("confirmations", "mail_id", nullable=False, schema="verify")
    op.create_index("ix_confirmations_mail_id", "confirmations", ["mail_id"], schema="verify")
    op.drop_index("ix_confirmations_next_attempt_at", table_name="confirmations", schema="verify")
    for column in _MAIL_COLUMNS:
        op.drop_column("confirmations", column, schema="verify")


def downgrade() -> None:
    op.add_column(
        "confirmations",
        sa.Column("mail", sa.Text(), server_default="pending", nullable=False),
        schema="verify",
    )
    op.add_column(
        "confirmations",
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        schema="verify",
    )
    for column in ("next_attempt_at", "sent_at"):
        op.add_column(
            "confirmations",
            sa.Column(column, sa.DateTime(timezone=True), nullable=True),
            schema="verify",
        )
    op.add_column("confirmations", sa.Column("mail_error", sa.Text()), schema="verify")
    op.execute(
        """
        UPDATE verify.confirmations AS c SET mail = m.delivery, attempts = m.attempts,
            next_attempt_at = m.next_attempt_at, sent_at = m.sent_at, mail_error = m.error
        FROM verify.confirmation_mails AS m WHERE m.mail_id = c.mail_id
        """
    )
    op.execute(
        "UPDATE verify.confirmations SET next_attempt_at = requested_at"
        " WHERE next_attempt_at IS NULL"
    )
    # the older verify knows no suppressed held lead: it reads as one that ran out
    op.execute("UPDATE verify.confirmations SET state = 'expired' WHERE state = 'suppressed'")
    op.alter_column("confirmations", "next_attempt_at", nullable=False, schema="verify")
    op.create_index(
        "ix_confirmations_next_attempt_at",
        "confirmations",
        ["next_attempt_at"],
        schema="verify",
        postgresql_where=sa.text("state = 'awaiting' AND mail = 'pending'"),
    )
    op.drop_index("ix_confirmations_mail_id", table_name="confirmations", schema="verify")
    op.drop_column("confirmations", "mail_id", schema="verify")
    op.drop_table("confirmation_mails", schema="verify")
