"""Records to events, and what a dead letter keeps of a record it could not handle."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

from aiokafka import ConsumerRecord

from leadflow_shared.events import DeadLetter, LeadCaptured, Topics
from leadflow_shared.messaging.dead_letters import NIL_UUID, dead_letter
from leadflow_shared.messaging.decoding import decode
from tests.unit.shared.test_events import sample

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def record(
    value: bytes | None, key: bytes | None = b"k", offset: int = 7
) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=Topics.CAPTURED,
        partition=2,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value or b""),
        headers=[("type", b"lead.captured")],
    )


def test_a_valid_record_decodes_to_its_event_and_its_inbox_id_is_the_event_id() -> None:
    raw = json.dumps(sample("lead.captured")).encode()
    delivery = decode(record(raw))
    assert isinstance(delivery.event, LeadCaptured) and delivery.problem is None
    assert delivery.inbox_id == delivery.event.id


def test_problems_name_what_is_wrong() -> None:
    assert decode(record(None)).problem == "empty message value"
    assert (decode(record(b"not json")).problem or "").startswith("undecodable message: ")
    wrong = json.dumps({"type": "lead.captured"}).encode()
    problem = decode(record(wrong)).problem or ""
    assert problem.startswith("invalid event: ") and "lead_id: Field required" in problem


def test_an_undecodable_record_has_an_inbox_id_of_its_place_so_a_redelivery_matches() -> None:
    first, again, elsewhere = (decode(record(b"junk", offset=o)) for o in (7, 7, 8))
    assert first.inbox_id == again.inbox_id != elsewhere.inbox_id


def test_a_dead_letter_keeps_the_original_bytes_place_headers_and_cause() -> None:
    raw = json.dumps(sample("lead.captured")).encode()
    delivery = decode(record(raw))
    letter = dead_letter(delivery, "handler failed", producer="verify", consumer="g", at=AT)
    assert letter.topic == Topics.DLQ
    event = letter.event
    assert isinstance(event, DeadLetter) and delivery.event is not None
    assert base64.b64decode(event.data.original_value_b64) == raw
    assert base64.b64decode(event.data.original_key_b64 or "") == b"k"
    assert (event.data.original_topic, event.data.original_partition) == (Topics.CAPTURED, 2)
    assert event.data.original_offset == 7 and event.data.failed_at == AT
    assert event.lead_id == delivery.event.lead_id and event.causation_id == delivery.event.id
    assert event.data.original_headers == {"type": "lead.captured"}
    assert letter.extra_headers == (("reason", b"handler failed"),)


def test_a_dead_letter_of_junk_is_for_the_lead_its_key_names_or_for_nobody() -> None:
    lead = uuid.uuid4()
    named = dead_letter(
        decode(record(b"junk", key=str(lead).encode())), "x", producer="p", consumer="g", at=AT
    )
    assert named.event.lead_id == lead
    for key in (None, b"not-a-uuid", b"\xff\xfe"):
        nobody = dead_letter(
            decode(record(b"junk", key=key)), "x", producer="p", consumer="g", at=AT
        )
        assert nobody.event.lead_id == NIL_UUID and nobody.event.causation_id is None


def test_a_long_reason_is_cut_in_the_header_but_whole_in_the_letter() -> None:
    reason = "r" * 2000
    letter = dead_letter(decode(record(b"junk")), reason, producer="p", consumer="g", at=AT)
    assert len(letter.extra_headers[0][1]) == 500
    assert isinstance(letter.event, DeadLetter) and letter.event.data.reason == reason
