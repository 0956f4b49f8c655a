"""Keys of the people who act, on real Postgres: issued and revoked through the admin API,
stored as digests, each acting for its owner alone (401 without a valid key, 403 for
someone else's), the admin key for everyone."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from leadflow_router.assignments.handlers import route_leads
from leadflow_router.assignments.tables import assignments
from leadflow_router.config import RouterConfig
from leadflow_shared.db import Database
from tests.conftest import Infra
from tests.integration.router.kit import (
    ADMIN,
    NOW,
    FixedClock,
    assignees,
    bearer,
    issue_key,
    router_client,
    scored,
    team_database,
)
from tests.support import handle

TEAM = RouterConfig.model_validate(
    {
        "reps": [
            {"id": "rep-ben", "name": "Ben", "territories": ["US", "CA"], "capacity": 1},
            {"id": "rep-eve", "name": "Eve", "territories": ["US"]},
        ],
        "partners": [{"id": "partner-northwind", "name": "Northwind", "territories": ["AU"]}],
    }
)


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with team_database(infra_env, TEAM) as database:
        yield database


async def test_a_key_is_issued_once_stored_as_its_digest_listed_and_revoked(
    infra_env: Infra, db: Database
) -> None:
    async with router_client(infra_env) as client:
        issued = await client.post(
            "/v1/admin/reps/rep-ben/keys", json={"label": "laptop"}, headers=ADMIN
        )
        token = issued.json()["token"]
        key_id = issued.json()["id"]
        without_admin = await client.post("/v1/admin/reps/rep-ben/keys", headers=bearer(token))
        unknown_rep = await client.post("/v1/admin/reps/rep-nobody/keys", headers=ADMIN)
        unknown_partner = await client.post("/v1/admin/partners/partner-nobody/keys", headers=ADMIN)
        partner = await client.post("/v1/admin/partners/partner-northwind/keys", headers=ADMIN)
        listed = await client.get("/v1/admin/reps/rep-ben/keys", headers=ADMIN)
        claim_before = await client.post("/v1/reps/rep-ben/claim", headers=bearer(token))
        revoked = await client.delete(f"/v1/admin/keys/{key_id}", headers=ADMIN)
        again = await client.delete(f"/v1/admin/keys/{key_id}", headers=ADMIN)
        missing = await client.delete("/v1/admin/keys/0123456789abcdef", headers=ADMIN)
        claim_after = await client.post("/v1/reps/rep-ben/claim", headers=bearer(token))
        listed_after = await client.get("/v1/admin/reps/rep-ben/keys", headers=ADMIN)
    assert issued.status_code == 201
    assert issued.json()["owner_kind"] == "rep" and issued.json()["label"] == "laptop"
    assert token.startswith(f"lfk_{key_id}_") and len(token) > 60
    assert without_admin.status_code == 401  # a rep's key is no admin key
    assert unknown_rep.status_code == unknown_partner.status_code == 404
    assert partner.status_code == 201 and partner.json()["owner_kind"] == "partner"
    assert [k["id"] for k in listed.json() if k["id"] == key_id] == [key_id]
    assert all("token" not in k for k in listed.json())
    assert claim_before.status_code == 404  # authenticated: only no lead to claim
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert missing.status_code == 404
    assert claim_after.status_code == 401
    assert claim_after.json()["error"]["code"] == "invalid_key"
    assert {k["id"]: k["revoked_at"] for k in listed_after.json()}[key_id] is not None
    async with db.driver_connection() as conn:
        stored = await conn.fetchrow("SELECT * FROM router.api_keys WHERE id = $1", key_id)
    assert stored["digest"] == hashlib.sha256(token.encode()).digest()
    assert token.encode() not in b"".join(str(v).encode() for v in stored.values())


async def test_each_key_acts_for_its_owner_alone_and_the_admin_key_for_everyone(
    infra_env: Infra, db: Database
) -> None:
    ben_lead, eve_lead, partner_lead = scored("CA"), scored("US"), scored("AU", "cold", "lead")
    routed = await handle(
        db, route_leads, [ben_lead, eve_lead, partner_lead], clock=FixedClock(NOW)
    )
    assert assignees(routed) == ["rep-ben", "rep-eve", "partner-northwind"]
    async with router_client(infra_env) as client:
        ben = bearer(await issue_key(client, "rep", "rep-ben"))
        eve = bearer(await issue_key(client, "rep", "rep-eve"))
        northwind = bearer(await issue_key(client, "partner", "partner-northwind"))
        forged = bearer(f"lfk_{'0' * 16}_{'x' * 43}")

        async def feedback(lead: uuid.UUID, headers: dict[str, str] | None) -> int:
            path = f"/v1/assignments/{lead}/feedback"
            answer = await client.post(path, json={"outcome": "contacted"}, headers=headers)
            return answer.status_code

        async def claim(rep_id: str, headers: dict[str, str] | None) -> int:
            return (await client.post(f"/v1/reps/{rep_id}/claim", headers=headers)).status_code

        seen = {
            "feedback, own rep key": await feedback(ben_lead.lead_id, ben),
            "feedback, other rep's key": await feedback(ben_lead.lead_id, eve),
            "feedback, partner key on a rep's lead": await feedback(ben_lead.lead_id, northwind),
            "feedback, own partner key": await feedback(partner_lead.lead_id, northwind),
            "feedback, rep key on a partner's lead": await feedback(partner_lead.lead_id, ben),
            "feedback, admin key": await feedback(eve_lead.lead_id, ADMIN),
            "feedback, no key": await feedback(eve_lead.lead_id, None),
            "feedback, forged key": await feedback(eve_lead.lead_id, forged),
            "feedback, not bearer": await feedback(eve_lead.lead_id, {"Authorization": "Basic x"}),
            "claim, own rep key (Ben is full)": await claim("rep-ben", ben),
            "claim, other rep's key": await claim("rep-ben", eve),
            "claim, partner key": await claim("rep-eve", northwind),
            "claim, admin key (nothing waits)": await claim("rep-eve", ADMIN),
            "claim, no key": await claim("rep-eve", None),
            "accept, other rep's key": (
                await client.post(f"/v1/assignments/{eve_lead.lead_id}/accept", headers=ben)
            ).status_code,
            "reject, partner key on a rep's lead": (
                await client.post(f"/v1/assignments/{eve_lead.lead_id}/reject", headers=northwind)
            ).status_code,
            "accept, own rep key": (
                await client.post(f"/v1/assignments/{eve_lead.lead_id}/accept", headers=eve)
            ).status_code,
        }
        refused = await client.post(
            f"/v1/assignments/{ben_lead.lead_id}/feedback",
            json={"outcome": "contacted"},
            headers=eve,
        )
        unauthenticated = await client.post("/v1/reps/rep-ben/claim")
        rejected_as_feedback = await client.post(
            f"/v1/assignments/{ben_lead.lead_id}/feedback",
            json={"outcome": "rejected"},
            headers=ben,
        )
    assert seen == {
        "feedback, own rep key": 202,
        "feedback, other rep's key": 403,
        "feedback, partner key on a rep's lead": 403,
        "feedback, own partner key": 202,
        "feedback, rep key on a partner's lead": 403,
        "feedback, admin key": 202,
        "feedback, no key": 401,
        "feedback, forged key": 401,
        "feedback, not bearer": 401,
        "claim, own rep key (Ben is full)": 409,
        "claim, other rep's key": 403,
        "claim, partner key": 403,
        "claim, admin key (nothing waits)": 404,
        "claim, no key": 401,
        "accept, other rep's key": 403,
        "reject, partner key on a rep's lead": 403,
        "accept, own rep key": 200,
    }
    assert refused.json()["error"]["code"] == "not_yours"
    assert "rep rep-eve" in refused.json()["error"]["message"]
    assert unauthenticated.json()["error"] == {
        "code": "invalid_key",
        "message": "an API key is required (Authorization: Bearer <key>)",
        "details": [],
    }
    # an assignee's rejection is an answer (routed again), not feedback (closed)
    assert rejected_as_feedback.status_code == 409
    assert rejected_as_feedback.json()["error"]["code"] == "answer_instead"
    assert f"/v1/assignments/{ben_lead.lead_id}/reject" in rejected_as_feedback.text
    async with db.unit_of_work() as uow:
        closed = await uow.session.scalar(
            sa.select(assignments.c.closed_at).where(assignments.c.lead_id == ben_lead.lead_id)
        )
    assert closed is None


async def test_a_call_without_a_valid_key_is_refused_before_its_body_is_read(
    infra_env: Infra, db: Database
) -> None:
    lead = scored("US")
    await handle(db, route_leads, [lead], clock=FixedClock(NOW))
    path = f"/v1/assignments/{lead.lead_id}/feedback"
    big = b'{"outcome": "contacted", "note": "' + b"x" * 20_000 + b'"}'
    async with router_client(infra_env) as client:
        anonymous = await client.post(path, content=big, headers={"Content-Type": "text/plain"})
        too_large = await client.post(
            path, content=big, headers={**ADMIN, "Content-Type": "application/json"}
        )
    # no key: 401, not 415 or 422 (which reading the body would have given)
    assert anonymous.status_code == 401
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "payload_too_large"


async def test_the_people_endpoints_and_their_key_are_in_the_openapi(infra_env: Infra) -> None:
    async with router_client(infra_env) as client:
        spec = (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    for path, method in [
        ("/v1/reps/{rep_id}/claim", "post"),
        ("/v1/assignments/{lead_id}/accept", "post"),
        ("/v1/assignments/{lead_id}/reject", "post"),
        ("/v1/assignments/{lead_id}/feedback", "post"),
        ("/v1/admin/reps/{rep_id}/keys", "post"),
        ("/v1/admin/partners/{partner_id}/keys", "post"),
        ("/v1/admin/keys/{key_id}", "delete"),
    ]:
        operation = paths[path][method]
        ok = next(code for code in operation["responses"] if code.startswith("2"))
        assert "$ref" in str(operation["responses"][ok]["content"]), (path, method)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert paths["/v1/reps/{rep_id}/claim"]["post"]["security"] == [{"HTTPBearer": []}]
