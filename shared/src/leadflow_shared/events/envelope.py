"""The envelope every leadflow event travels in.

``{"id", "type", "version", "occurred_at", "producer", "lead_id", "correlation_id",
"causation_id", "data"}`` — the Kafka key is the lead id, so one lead's events stay in
order; the headers repeat ``type`` and ``version``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from uuid_utils.compat import uuid7


def new_id() -> uuid.UUID:
    """A new id for a lead or an event: a UUIDv7, time-ordered (new rows go to the end of
    an index instead of anywhere in it) with 74 random bits."""
    return uuid7()


class Frozen(BaseModel):
    """Base of every contract model: immutable; unknown fields are ignored so that v1 can grow
    additively without breaking older consumers."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Envelope(Frozen):
    id: uuid.UUID
    type: str
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    producer: str
    lead_id: uuid.UUID
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None

    def kafka_key(self) -> bytes:
        return str(self.lead_id).encode()

    def kafka_value(self) -> bytes:
        return self.model_dump_json().encode()

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return [("type", self.type.encode()), ("version", str(self.version).encode())]


E = TypeVar("E", bound=Envelope)


def first_per_lead(events: Sequence[E]) -> list[E]:
    """The first event of each lead, in order: a copy of an event under another id (a
    producer's retry) must not make a stage act twice for one lead in one batch."""
    seen: set[uuid.UUID] = set()
    first: list[E] = []
    for event in events:
        if event.lead_id not in seen:
            seen.add(event.lead_id)
            first.append(event)
    return first


def new_envelope_fields(
    *,
    producer: str,
    lead_id: uuid.UUID,
    cause: Envelope | None = None,
    correlation_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Fields for a new event; when it follows from ``cause`` it inherits its correlation."""
    if cause is not None:
        correlation_id = cause.correlation_id
    return {
        "id": new_id(),
        "occurred_at": datetime.now(UTC),
        "producer": producer,
        "lead_id": lead_id,
        "correlation_id": correlation_id or new_id(),
        "causation_id": cause.id if cause is not None else None,
    }
