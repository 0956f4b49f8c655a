"""The do-not-contact list on real Postgres: its admin API, and suppressed leads rejected
with nothing about them leaving verify."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import LeadCaptured, LeadRejected, LeadVerified
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.contact.handlers import verify_leads
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.support import api_client, fresh, handle

KEY = "suppression-admin-key-0123456789"
ADMIN = {"Authorization": f"Bearer {KEY}"}


def captured(**submission: Any) -> LeadCaptured:
    person = {"email": f"p.{uuid.uuid4().hex[:10]}@example.com", "phone": None, "company": None}
    event: LeadCaptured = fresh(
        "lead.captured", lambda raw: raw["data"]["submission"].update(person | submission)
    )
    return event


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


async def test_the_admin_api_keeps_the_list_behind_the_key(infra_env: Infra, db: Database) -> None:
    domain = f"d{uuid.uuid4().hex[:8]}.example"
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify", admin_api_key=KEY))
    off = VERIFY.create_app(infra_env.settings(VerifySettings, "verify"))
    async with api_client(app, "verify") as client, api_client(off, "verify") as disabled:
        anonymous = await client.put(f"/v1/admin/suppressions/domain/{domain}", json={})
        closed = await disabled.get("/v1/admin/suppressions", headers=ADMIN)
        added = await client.put(
            f"/v1/admin/suppressions/domain/{domain.upper()}",
            json={"reason": "asked us by phone"},
            headers=ADMIN,
        )
        again = await client.put(f"/v1/admin/suppressions/domain/{domain}", json={}, headers=ADMIN)
        bad = await client.put("/v1/admin/suppressions/phone/12345", json={}, headers=ADMIN)
        wrong_kind = await client.put("/v1/admin/suppressions/fax/1", json={}, headers=ADMIN)
        listed = await client.get("/v1/admin/suppressions", headers=ADMIN)
        removed = await client.delete(f"/v1/admin/suppressions/domain/{domain}", headers=ADMIN)
        gone = await client.delete(f"/v1/admin/suppressions/domain/{domain}", headers=ADMIN)
    assert anonymous.status_code == 401 and closed.status_code == 403
    assert added.status_code == 201, added.text
    assert added.json()["value"] == domain and added.json()["reason"] == "asked us by phone"
    assert again.status_code == 200 and again.json()["reason"] is None
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "value"
    assert wrong_kind.status_code == 422
    assert {"kind": "domain", "value": domain} in [
        {"kind": e["kind"], "value": e["value"]} for e in listed.json()
    ]
    assert removed.status_code == 204 and gone.status_code == 404


async def test_a_suppressed_lead_is_rejected_and_nothing_about_it_leaves_verify(
    infra_env: Infra, db: Database
) -> None:
    domain = f"d{uuid.uuid4().hex[:8]}.example"
    phone = "+4520" + str(uuid.uuid4().int)[:6]
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify", admin_api_key=KEY))
    async with api_client(app, "verify") as client:
        for kind, value in (("domain", domain), ("phone", phone)):
            put = await client.put(f"/v1/admin/suppressions/{kind}/{value}", json={}, headers=ADMIN)
            assert put.status_code == 201, put.text
    by_domain = captured(email=f"Ann@{domain.upper()}")
    by_phone = captured(email="nobody@localhost", phone=phone, country="DK")
    free = captured()
    published = {e.lead_id: e for e in await handle(db, verify_leads, [by_domain, by_phone, free])}
    for lead in (by_domain, by_phone):
        rejected = published[lead.lead_id]
        assert isinstance(rejected, LeadRejected)
        assert [r.code for r in rejected.data.reasons] == ["suppressed"]
        assert rejected.data.checks == ()
        assert domain not in rejected.model_dump_json() and phone not in rejected.model_dump_json()
    assert isinstance(published[free.lead_id], LeadVerified)
    async with api_client(app, "verify") as client:
        report = (await client.get(f"/v1/verifications/{by_domain.lead_id}")).json()
    assert report["outcome"] == "rejected" and report["findings"] == ["suppressed"]
    assert report["checks"] == [] and report["contact"]["email"] is None  # nothing kept


async def test_a_lead_rejected_for_another_reason_is_still_suppressed(
    infra_env: Infra, db: Database
) -> None:
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify", admin_api_key=KEY))
    domain = f"d{uuid.uuid4().hex[:8]}.example"
    async with api_client(app, "verify") as client:
        put = await client.put(f"/v1/admin/suppressions/domain/{domain}", json={}, headers=ADMIN)
        assert put.status_code == 201
    strict = VerificationPolicy(reject=frozenset({"suppressed", "role_account"}))
    lead = captured(email=f"info+x@sales.{domain}")  # a role address at a subdomain
    (rejected,) = await handle(db, verify_leads, [lead], policy=strict)
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["suppressed"]
    assert rejected.data.checks == () and domain not in rejected.model_dump_json()
