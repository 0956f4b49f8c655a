"""verify's contact feature on real Postgres: the stage handler stores a verdict per lead in
one statement and publishes each lead's outcome once; the read API shows the verdict."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import LeadCaptured, LeadRejected, LeadVerified
from leadflow_verify.contact.handlers import verify_leads
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.support import api_client, fresh, handle


def captured(**submission: Any) -> LeadCaptured:
    event: LeadCaptured = fresh(
        "lead.captured", lambda raw: raw["data"]["submission"].update(submission)
    )
    return event


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


async def test_each_lead_of_a_batch_is_verified_or_rejected_with_its_evidence(
    db: Database,
) -> None:
    good = captured(email="Ana@Example.COM", phone=None)
    unreachable = captured(email="nobody-at-example", phone=None)
    published = await handle(db, verify_leads, [good, unreachable])
    by_lead = {e.lead_id: e for e in published}
    verified, rejected = by_lead[good.lead_id], by_lead[unreachable.lead_id]
    assert isinstance(verified, LeadVerified) and verified.causation_id == good.id
    assert verified.data.contact.email == "Ana@example.com"
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["invalid_email"]


async def test_a_lead_verified_before_under_another_event_id_publishes_nothing_again(
    db: Database,
) -> None:
    event = captured()
    copy = event.model_copy(update={"id": uuid.uuid4()})
    assert len(await handle(db, verify_leads, [event, copy])) == 1  # twice in one batch
    assert await handle(db, verify_leads, [copy]) == []  # and in a later one


async def test_the_read_api_shows_the_stored_verdict(infra_env: Infra, db: Database) -> None:
    event = captured(email="ben@example.com", phone="+1 415 555 2671", country="US")
    await handle(db, verify_leads, [event])
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify"))
    async with api_client(app, "verify") as client:
        found = await client.get(f"/v1/leads/{event.lead_id}/verification")
        missing = await client.get(f"/v1/leads/{uuid.uuid4()}/verification")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["lead_id"] == str(event.lead_id) and body["accepted"] is True
    assert body["contact"]["phone"] == "+14155552671" and body["contact"]["country"] == "US"
    names = {c["name"] for c in body["checks"]}
    assert names == {"email_syntax", "phone_number", "country", "website"}
    assert body["reasons"] == [] and body["verified_at"]
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
