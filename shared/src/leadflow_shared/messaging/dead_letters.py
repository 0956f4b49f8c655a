"""Dead letters: a record that can never be processed, kept with its original bytes and
the reason, on ``leads.dlq.v1``."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from leadflow_shared.events import DeadLetter, DeadLetterData, Topics
from leadflow_shared.events.envelope import new_envelope_fields
from leadflow_shared.messaging.decoding import Delivery
from leadflow_shared.messaging.outbox import Outgoing

NIL_UUID = uuid.UUID(int=0)
REASON_HEADER_LIMIT = 500


def dead_letter(
    delivery: Delivery, reason: str, *, producer: str, consumer: str, at: datetime
) -> Outgoing:
    """The dead letter of ``delivery``: for the lead it names (or the nil id when its key
    is no lead id), caused by its event when it decoded to one."""
    r = delivery.record
    event = delivery.event
    lead_id = event.lead_id if event is not None else _uuid_or_nil(r.key)
    letter = DeadLetter(
        **new_envelope_fields(producer=producer, lead_id=lead_id, cause=event),
        data=DeadLetterData(
            consumer=consumer,
            reason=reason,
            original_topic=r.topic,
            original_partition=r.partition,
            original_offset=r.offset,
            original_key_b64=base64.b64encode(r.key).decode() if r.key else None,
            original_value_b64=base64.b64encode(r.value or b"").decode(),
            original_headers={k: v.decode(errors="replace") for k, v in r.headers or ()},
            failed_at=at,
        ),
    )
    headers = (("reason", reason[:REASON_HEADER_LIMIT].encode()),)
    return Outgoing(Topics.DLQ, letter, headers)


def _uuid_or_nil(key: bytes | None) -> uuid.UUID:
    try:
        return uuid.UUID(key.decode()) if key else NIL_UUID
    except (ValueError, UnicodeDecodeError):
        return NIL_UUID
