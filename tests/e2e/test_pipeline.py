"""Form post to routed lead, across all four services, on the real broker and Postgres."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections import Counter
from typing import Any

from leadflow_shared.events import DeadLetter, LeadRouted, LeadScored, LeadVerified, Topics
from tests.e2e.conftest import Pipeline
from tests.support import events_on, produce, wait_for_events

COUNTRIES = ["US", "DE", "GB", "SE", "AU", "BR", "JP", "CA", "Ireland", "mx"]
CTAS = ["demo_request", "newsletter", "pricing", "contact_sales", "webinar"]
FIRST_NAMES = ["Ana", "Lars", "Priya", "Chidi", "Mei", "Jonas", "Siobhan", "Mateus", "Aiko"]
LAST_NAMES = ["Lopez", "Nielsen", "Iyer", "Okafor", "Chen", "Weber", "Byrne", "Souza", "Sato"]


def lead_body(i: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
        "last_name": LAST_NAMES[i % len(LAST_NAMES)],
        "company": f"Acme {i}",  # one person each: a repeat would follow its first lead
        "job_title": "Head of Sales",
        "country": COUNTRIES[i % len(COUNTRIES)],
        "cta": {"type": CTAS[i % len(CTAS)], "page_url": "https://example.com/pricing"},
        "bant": {"budget": "50k", "authority": "decision maker", "need": "yes", "timeline": "now"}
        if i % 2 == 0
        else {},
    }
    if i % 7 == 3:
        body["email"] = f"broken-{i}@localhost"  # no valid contact at all: rejected by verify
    elif i % 5 == 1:
        body["phone"] = f"+1 415 555 {2600 + i:04d}"  # one person each: no shared phone
    else:
        body["email"] = f"person{i}@example.com"
    return body


async def test_fifty_leads_each_end_in_exactly_one_routed_or_rejected_event(
    pipeline: Pipeline,
) -> None:
    lead_ids = {await pipeline.post_lead(lead_body(i)) for i in range(50)}
    assert len(lead_ids) == 50

    outcomes = await wait_for_events(
        pipeline.infra.kafka_bootstrap,
        [Topics.ROUTED, Topics.REJECTED],
        lead_ids,
        timeout_s=60,
        settle_s=1.5,
    )

    per_lead = {lead_id: [e.type for e in events] for lead_id, events in outcomes.items()}
    assert all(len(types) == 1 for types in per_lead.values()), per_lead
    kinds = Counter(types[0] for types in per_lead.values())
    assert kinds["lead.rejected"] == sum(1 for i in range(50) if i % 7 == 3)
    routed = [e for events in outcomes.values() for e in events if isinstance(e, LeadRouted)]
    assignee_kinds = {e.data.assignee.kind for e in routed}
    assert {"rep", "partner", "nurture"} <= assignee_kinds
    for event in routed:
        if event.data.contact.country in {"AU", "BR", "MX"}:
            assert event.data.assignee.kind == "partner"


async def test_hot_us_lead_goes_to_a_us_rep_and_au_lead_is_offered_to_northwind(
    pipeline: Pipeline,
) -> None:
    hot = await pipeline.post_lead(
        {
            "email": "cto@bigco.example",
            "company": "BigCo",
            "job_title": "CTO",
            "country": "United States",
            "cta": {"type": "demo_request"},
            "bant": {"budget": "100k", "authority": "yes", "need": "urgent", "timeline": "now"},
        }
    )
    partner_lead = await pipeline.post_lead({"email": "buyer@shop.example", "country": "AU"})
    bootstrap = pipeline.infra.kafka_bootstrap

    routed = await wait_for_events(bootstrap, [Topics.ROUTED], {hot, partner_lead})
    hot_event = routed[hot][0]
    assert isinstance(hot_event, LeadRouted)
    # Ben and Eve cover the US (Eve with twice Ben's weight): whose turn it is depends on
    # the leads routed before in this session
    assert hot_event.data.assignee.kind == "rep"
    assert hot_event.data.assignee.id in {"rep-ben", "rep-eve"}
    assert hot_event.data.temperature == "hot"
    partner_event = routed[partner_lead][0]
    assert isinstance(partner_event, LeadRouted)
    assert partner_event.data.assignee.id == "partner-northwind"

    offers = await wait_for_events(bootstrap, [Topics.partner("partner-northwind")], {partner_lead})
    offer = offers[partner_lead][0]
    assert offer.type == "lead.offered"
    assert offer.correlation_id == partner_event.correlation_id
    offered = json.loads(offer.model_dump_json())["data"]
    assert "score" not in offered and offered["contact"]["email"] == "buyer@shop.example"
    other_partner = await events_on(bootstrap, Topics.partner("partner-globex"))
    assert partner_lead not in {e.lead_id for e in other_partner}


HOT_US = {
    "company": "BigCo",
    "job_title": "CTO",
    "country": "US",
    "cta": {"type": "demo_request"},
    "bant": {"budget": "100k", "authority": "yes", "need": "urgent", "timeline": "now"},
}


async def test_doubtful_identities_never_reach_a_rep_and_a_repeat_keeps_its_owner(
    pipeline: Pipeline,
) -> None:
    bootstrap = pipeline.infra.kafka_bootstrap
    doubtful = {
        "disposable": {"email": "buyer@mailinator.com", "first_name": "Maria", "last_name": "Lind"},
        "gibberish": {"email": "asdf@bigco.example", "first_name": "asdf", "last_name": "qwerty"},
        "placeholder": {
            "email": "m.mouse@bigco.example",
            "first_name": "Mickey",
            "last_name": "Mouse",
        },
        "test": {"email": "qa@bigco.example", "first_name": "Test", "last_name": "Test"},
    }
    ids = {kind: await pipeline.post_lead(HOT_US | body) for kind, body in doubtful.items()}
    first = await pipeline.post_lead(
        HOT_US | {"email": "Dana.Reyes@bigco.example", "first_name": "Dana", "last_name": "Reyes"}
    )
    routed = await wait_for_events(bootstrap, [Topics.ROUTED], {*ids.values(), first})
    for kind, lead_id in ids.items():
        event = routed[lead_id][0]
        assert isinstance(event, LeadRouted)
        assert (event.data.assignee.kind, event.data.assignee.id) == ("queue", "review"), kind
    owner = routed[first][0]
    assert isinstance(owner, LeadRouted) and owner.data.assignee.kind == "rep"

    # the same person again, cold this time: linked to the first lead, and the same rep has it
    again = await pipeline.post_lead({"email": "dana.reyes+webinar@BIGCO.example", "country": "US"})
    verified = (await wait_for_events(bootstrap, [Topics.VERIFIED], {again}))[again][0]
    assert isinstance(verified, LeadVerified) and verified.data.duplicate_of == first
    repeat = (await wait_for_events(bootstrap, [Topics.ROUTED], {again}))[again][0]
    assert isinstance(repeat, LeadRouted)
    assert repeat.data.assignee == owner.data.assignee and repeat.data.rule_path[0] == "repeat"


async def test_redelivered_scored_event_is_not_routed_twice(pipeline: Pipeline) -> None:
    bootstrap = pipeline.infra.kafka_bootstrap
    lead_id = await pipeline.post_lead({"email": "twice@example.com", "country": "DE"})
    scored = (await wait_for_events(bootstrap, [Topics.SCORED], {lead_id}))[lead_id][0]
    await wait_for_events(bootstrap, [Topics.ROUTED], {lead_id})
    assert isinstance(scored, LeadScored)

    # The same event again (a redelivery), and a copy under a new event id.
    await produce(bootstrap, Topics.SCORED, scored.kafka_value(), scored.kafka_key())
    copy = scored.model_copy(update={"id": uuid.uuid4()})
    await produce(bootstrap, Topics.SCORED, copy.kafka_value(), copy.kafka_key())
    # A third copy for another lead, on the same partition (same key) after the two: once it
    # is routed, the router has certainly processed both copies before it.
    sentinel = scored.model_copy(update={"id": uuid.uuid4(), "lead_id": uuid.uuid4()})
    await produce(bootstrap, Topics.SCORED, sentinel.kafka_value(), scored.kafka_key())
    await wait_for_events(bootstrap, [Topics.ROUTED], {sentinel.lead_id}, timeout_s=30)

    routed = [e for e in await events_on(bootstrap, Topics.ROUTED) if e.lead_id == lead_id]
    assert len(routed) == 1


async def test_poison_messages_land_in_the_dead_letter_topic_and_the_pipeline_goes_on(
    pipeline: Pipeline,
) -> None:
    bootstrap = pipeline.infra.kafka_bootstrap
    marker = uuid.uuid4().hex
    garbage = f"not json at all {marker}".encode()
    wrong_shape = json.dumps({"type": "lead.captured", "marker": marker}).encode()
    await produce(bootstrap, Topics.CAPTURED, garbage, key=b"poison-1")
    await produce(bootstrap, Topics.CAPTURED, wrong_shape, key=b"poison-2")

    by_value: dict[bytes, DeadLetter] = {}
    deadline = time.monotonic() + 30
    while not {garbage, wrong_shape} <= by_value.keys() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        letters = [e for e in await events_on(bootstrap, Topics.DLQ) if isinstance(e, DeadLetter)]
        by_value = {base64.b64decode(e.data.original_value_b64): e for e in letters}
    assert garbage in by_value and wrong_shape in by_value
    # And the pipeline goes on after them.
    sentinel = await pipeline.post_lead({"email": "still.flowing@example.com", "country": "SE"})
    await wait_for_events(bootstrap, [Topics.ROUTED], {sentinel}, timeout_s=30)
    for poison in (garbage, wrong_shape):
        letter = by_value[poison]
        assert letter.data.original_topic == Topics.CAPTURED
        assert letter.data.consumer == "leadflow-verify"
        assert letter.data.reason
    assert by_value[garbage].data.reason.startswith("undecodable message: ")
    assert by_value[wrong_shape].data.reason.startswith("invalid event: ")
    assert "lead_id: Field required" in by_value[wrong_shape].data.reason
