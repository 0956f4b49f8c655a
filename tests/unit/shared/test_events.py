"""The v1 contract: each event type has a golden sample that must keep parsing to itself."""

from __future__ import annotations

import json
import time
import uuid
from importlib.resources import files
from typing import Any

import pytest
from pydantic import ValidationError

from leadflow_shared.events import (
    LeadCaptured,
    LeadRouted,
    Topics,
    new_envelope_fields,
    new_id,
    parse_event,
)
from leadflow_shared.events.v1 import event_types

SAMPLES = files("leadflow_shared.events").joinpath("samples")


def sample(event_type: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLES.joinpath(f"{event_type}.json").read_text())
    return result


@pytest.mark.parametrize("event_type", sorted(event_types()))
def test_golden_sample_round_trips_unchanged(event_type: str) -> None:
    raw = sample(event_type)
    event = parse_event(json.dumps(raw))
    assert type(event) is event_types()[event_type]
    assert json.loads(event.model_dump_json()) == raw


# Fields added within v1, by where they sit: an event written before them must still parse,
# with their defaults.
ADDED_TO_CHECKS = ("status", "field", "before", "after", "looked_up", "duration_ms", "findings")
ADDED_TO_VERIFIED = ("outcome", "review_reasons", "findings", "duplicate_of", "duplicate_match")


def _as_written_before(raw: dict[str, Any]) -> dict[str, Any]:
    data = raw["data"]
    verified = data["lead"] if raw["type"] == "lead.scored" else data
    for check in verified.get("checks", ()):
        for key in (*ADDED_TO_CHECKS, "suggestion"):
            check.pop(key, None)
    if raw["type"] != "lead.rejected":
        for key in ADDED_TO_VERIFIED:
            verified.pop(key)
    return raw


@pytest.mark.parametrize("event_type", ["lead.verified", "lead.rejected", "lead.scored"])
def test_events_written_before_the_additions_still_parse(event_type: str) -> None:
    event = parse_event(json.dumps(_as_written_before(sample(event_type))))
    verified: Any = getattr(event.data, "lead", event.data)
    assert all(check.status is None and check.findings == () for check in verified.checks)
    if event_type != "lead.rejected":
        assert verified.outcome == "verified"
        assert verified.duplicate_of is None


def test_a_lead_captured_before_double_opt_in_existed_still_parses() -> None:
    raw = sample("lead.captured")
    raw["data"].pop("double_opt_in")
    event = parse_event(json.dumps(raw))
    assert isinstance(event, LeadCaptured) and event.data.double_opt_in is False


def test_every_sample_is_an_event_type() -> None:
    names = {p.name.removesuffix(".json") for p in SAMPLES.iterdir() if p.name.endswith(".json")}
    assert names == set(event_types())


def test_a_lead_routed_before_attempts_were_counted_is_a_first_routing() -> None:
    raw = sample("lead.routed")
    raw["data"].pop("attempt")
    raw["data"].pop("previous")
    event = parse_event(json.dumps(raw))
    assert isinstance(event, LeadRouted)
    assert (event.data.attempt, event.data.previous) == (1, None)


def test_events_are_frozen() -> None:
    event = parse_event(json.dumps(sample("lead.captured")))
    with pytest.raises(ValidationError):
        event.lead_id = uuid.uuid4()  # type: ignore[misc]


def test_unknown_fields_are_ignored_so_v1_can_grow() -> None:
    raw = sample("lead.routed")
    raw["data"]["added_later"] = {"anything": 1}
    raw["brand_new_envelope_field"] = "x"
    event = parse_event(json.dumps(raw))
    assert event.type == "lead.routed"


@pytest.mark.parametrize(
    ("mutation", "where"),
    [
        (lambda r: r.update(type="lead.unknown"), "type"),
        (lambda r: r.update(version=2), "version"),
        (lambda r: r["data"].pop("source_id"), "source_id"),
        (lambda r: r.update(lead_id="not-a-uuid"), "lead_id"),
        (lambda r: r.update(occurred_at="2026-11-23T09:30:00"), "occurred_at"),
    ],
)
def test_invalid_envelopes_are_refused(mutation: Any, where: str) -> None:
    raw = sample("lead.captured")
    mutation(raw)
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(raw))
    assert where in str(info.value)


def test_kafka_key_is_the_lead_id_and_headers_carry_type_and_version() -> None:
    event = parse_event(json.dumps(sample("lead.scored")))
    assert event.kafka_key() == str(event.lead_id).encode()
    assert event.kafka_headers() == [("type", b"lead.scored"), ("version", b"1")]


def test_a_follow_up_event_inherits_correlation_and_names_its_cause() -> None:
    cause = parse_event(json.dumps(sample("lead.captured")))
    assert isinstance(cause, LeadCaptured)
    fields = new_envelope_fields(producer="verify", lead_id=cause.lead_id, cause=cause)
    assert fields["correlation_id"] == cause.correlation_id
    assert fields["causation_id"] == cause.id
    assert fields["id"] != cause.id


@pytest.mark.parametrize("bad", ["Northwind", "a.b", "", "x" * 101, "../x"])
def test_partner_topic_names_refuse_unsafe_ids(bad: str) -> None:
    with pytest.raises(ValueError):
        Topics.partner(bad)


def test_partner_topic_name() -> None:
    assert Topics.partner("partner-northwind") == "partner.partner-northwind.leads.v1"


def test_new_ids_are_unique_version_7_and_ordered_by_time() -> None:
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    assert {u.version for u in [first, *later]} == {7}
    assert len(set(later)) == len(later)
    assert all(first < u for u in later)  # a new row lands at the end of an index on ids
