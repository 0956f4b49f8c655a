"""Records as they come off a topic: each decoded into an event, or with the reason it
cannot be one (its dead-letter reason)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka import ConsumerRecord
from pydantic import ValidationError

from leadflow_shared.events import parse_event
from leadflow_shared.events.v1 import Event

Record: TypeAlias = ConsumerRecord[bytes, bytes]
_UNDECODABLE = uuid.UUID("6f1c1c2e-8a43-4c0e-9a55-1d7f0c9e2b11")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One record: its event, or why it has none."""

    record: Record
    event: Event | None
    problem: str | None = None

    @property
    def topic(self) -> str:
        return self.record.topic

    @property
    def inbox_id(self) -> uuid.UUID:
        """The event id, or for an undecodable record an id derived from its position."""
        if self.event is not None:
            return self.event.id
        r = self.record
        return uuid.uuid5(_UNDECODABLE, f"{r.topic}/{r.partition}/{r.offset}")


def decode(record: Record) -> Delivery:
    if record.value is None:
        return Delivery(record, None, "empty message value")
    try:
        return Delivery(record, parse_event(record.value))
    except ValidationError as exc:
        kind = "undecodable message" if _is_json_error(exc) else "invalid event"
        return Delivery(record, None, f"{kind}: {_summarise(exc)}")
    except (UnicodeDecodeError, ValueError) as exc:
        return Delivery(record, None, f"undecodable message: {exc}")


def _is_json_error(exc: ValidationError) -> bool:
    return any(e["type"] == "json_invalid" for e in exc.errors())


def _summarise(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()]
    return "; ".join(parts[:5])
