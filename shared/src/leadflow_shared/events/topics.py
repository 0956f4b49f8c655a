"""Kafka topic names of the v1 contract (CONTRACT.md)."""

from __future__ import annotations

import re

from leadflow_shared.events.envelope import Envelope


class Topics:
    CAPTURED = "leads.captured.v1"
    VERIFIED = "leads.verified.v1"
    REJECTED = "leads.rejected.v1"
    SCORED = "leads.scored.v1"
    ROUTED = "leads.routed.v1"
    FEEDBACK = "leads.feedback.v1"
    DLQ = "leads.dlq.v1"

    ALL = (CAPTURED, VERIFIED, REJECTED, SCORED, ROUTED, FEEDBACK, DLQ)

    # The topic each event type travels on (lead.offered goes to each partner's own).
    BY_TYPE = {
        "lead.captured": CAPTURED,
        "lead.verified": VERIFIED,
        "lead.rejected": REJECTED,
        "lead.scored": SCORED,
        "lead.routed": ROUTED,
        "lead.feedback": FEEDBACK,
        "dead_letter": DLQ,
    }

    @classmethod
    def of(cls, event: type[Envelope]) -> str:
        """The topic events of this class travel on."""
        name = event.model_fields["type"].default
        if name not in cls.BY_TYPE:
            raise ValueError(f"{name} events have no single topic")
        return cls.BY_TYPE[name]

    _PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")

    @classmethod
    def partner(cls, partner_id: str) -> str:
        """The topic a partner reseller subscribes to: ``partner.<id>.leads.v1``."""
        if not cls._PARTNER_ID.fullmatch(partner_id):
            raise ValueError(f"invalid partner id for a topic name: {partner_id!r}")
        return f"partner.{partner_id}.leads.v1"
