"""capture_leads: many requests stored by one statement, on real Postgres."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from leadflow_capture.intake.handlers import Captured, CaptureRequest, capture_leads
from leadflow_capture.settings import CaptureSettings
from leadflow_capture.sources.domain import Source
from leadflow_shared.db import Database
from leadflow_shared.errors import Unauthorized, Unprocessable
from leadflow_shared.events import LeadCaptured, Topics, parse_event
from leadflow_shared.events.v1 import LeadSubmission, SubmissionContext
from tests.conftest import Infra

WEB = Source(id="web-form", name="Web form")
WEBHOOK = Source(id="webhook", name="Webhook", secret="example-secret")


@pytest.fixture(scope="module")
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    settings = infra_env.settings(CaptureSettings, "capture")
    database = Database(settings.database_url)
    yield database
    await database.dispose()


def request(
    email: str,
    *,
    source: Source = WEB,
    key: str | None = None,
    signature: str | None = None,
) -> CaptureRequest:
    now = datetime.now(UTC)
    return CaptureRequest(
        source=source,
        submission=LeadSubmission(email=email),
        context=SubmissionContext(received_at=now, idempotency_key=key),
        signature_digest=signature,
        signature_expires_at=now + timedelta(minutes=5) if signature else None,
    )


def fresh(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


async def test_each_request_of_a_batch_gets_its_own_answer_in_order(db: Database) -> None:
    key, digest = fresh("key"), fresh("sig")
    b_email = f"{fresh('b')}@example.com"
    batch = [
        request(f"{fresh('a')}@example.com"),
        request(b_email, key=key),
        request(b_email, key=key),  # the same key and lead later in the batch: a retry
        request(f"{fresh('c')}@example.com", key=key),  # the same key, another lead
        request(f"{fresh('d')}@example.com", source=WEBHOOK, signature=digest),
        request(f"{fresh('e')}@example.com", source=WEBHOOK, signature=digest),  # replayed
        request(f"{fresh('f')}@example.com"),
    ]
    outcomes = await capture_leads(db, batch)

    assert [type(o) for o in outcomes] == [
        *[Captured] * 3,
        Unprocessable,
        Captured,
        Unauthorized,
        Captured,
    ]
    a, b, retry, reused, d, _, f = outcomes
    assert isinstance(a, Captured) and isinstance(b, Captured) and isinstance(retry, Captured)
    assert isinstance(d, Captured) and isinstance(f, Captured)
    assert (b.replayed, retry.replayed, retry.lead_id) == (False, True, b.lead_id)
    assert isinstance(reused, Unprocessable) and reused.code == "idempotency_key_reused"
    assert not (a.replayed or d.replayed or f.replayed)
    assert len({a.lead_id, b.lead_id, d.lead_id, f.lead_id}) == 4


async def test_a_later_batch_sees_the_keys_and_signatures_of_an_earlier_one(
    db: Database,
) -> None:
    key, digest = fresh("key"), fresh("sig")
    a_email = f"{fresh('a')}@example.com"
    first = await capture_leads(
        db,
        [
            request(a_email, key=key),
            request(f"{fresh('b')}@example.com", source=WEBHOOK, signature=digest),
        ],
    )
    again = await capture_leads(
        db,
        [
            request(a_email, key=key),  # a retry of the first
            request(f"{fresh('d')}@example.com", source=WEBHOOK, signature=digest),
        ],
    )
    assert isinstance(first[0], Captured) and isinstance(again[0], Captured)
    assert (again[0].lead_id, again[0].replayed) == (first[0].lead_id, True)
    assert isinstance(again[1], Unauthorized)


async def test_new_leads_and_their_events_are_stored_as_the_event_says(
    db: Database, capture_db: asyncpg.Connection
) -> None:
    emails = [f"{fresh(str(i))}@example.com" for i in range(3)]
    outcomes = await capture_leads(db, [request(e, key=fresh("key")) for e in emails])
    ids = [o.lead_id for o in outcomes if isinstance(o, Captured)]
    leads = await capture_db.fetch(
        "SELECT id, source_id, idempotency_key, received_at, submission::text, "
        "context::text FROM capture.leads WHERE id = ANY($1::uuid[])",
        ids,
    )
    events = await capture_db.fetch(
        "SELECT id, topic, key, value, headers::text FROM capture.outbox "
        "WHERE key = ANY($1::bytea[]) ORDER BY id",
        [str(i).encode() for i in ids],
    )
    assert len(leads) == 3
    assert [parse_event(e["value"]).lead_id for e in events] == ids  # in submission order
    in_order = sorted(leads, key=lambda r: ids.index(r["id"]))
    for row, event_row in zip(in_order, events, strict=True):
        event = parse_event(event_row["value"])
        assert isinstance(event, LeadCaptured)
        assert event_row["topic"] == Topics.CAPTURED
        assert event_row["key"] == event.kafka_key()
        headers = [(k, v.encode()) for k, v in json.loads(event_row["headers"])]
        assert headers == event.kafka_headers()
        data = event.data
        assert row["source_id"] == data.source_id == "web-form"
        assert row["idempotency_key"] == data.context.idempotency_key
        assert row["received_at"] == data.context.received_at
        assert LeadSubmission.model_validate_json(row["submission"]) == data.submission
        assert SubmissionContext.model_validate_json(row["context"]) == data.context
