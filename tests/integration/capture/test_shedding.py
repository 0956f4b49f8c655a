"""Load shedding on real Postgres. A transaction is held up by a lock on capture's leads
table, and the group commit takes one lead a transaction: the lead in that transaction
waits for it and is stored; the others cannot be taken within the bound and are answered
503 ``overloaded`` with Retry-After, and none of them is ever stored."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
from prometheus_client import REGISTRY

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from tests.conftest import Infra
from tests.integration.capture.conftest import client_for

WEB = {"X-Leadflow-Source": "web-form"}
ERROR = "http://127.0.0.1:8080/error.html"
WAITING = "leadflow_capture_commit_waiting"  # the gauge of the app created last


def shedding_capture(infra_env: Infra, **overrides: Any) -> httpx.AsyncClient:
    """capture storing one lead a transaction, with a short bound (0.2 s)."""
    options: dict[str, Any] = {
        "commit_batch_max": 1,
        "commit_flushes": 1,
        "commit_deadline_ms": 200,
        **overrides,
    }
    return client_for(CAPTURE.create_app(infra_env.settings(CaptureSettings, "capture", **options)))


@asynccontextmanager
async def leads_locked(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """No lead can be stored until the block ends: every transaction storing one waits."""
    await conn.execute("BEGIN")
    await conn.execute("LOCK TABLE capture.leads IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        await conn.execute("ROLLBACK")


async def until(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    async with asyncio.timeout(timeout_s):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


async def lock_waiters(conn: asyncpg.Connection) -> int:
    """Transactions of capture's role waiting for a lock (the held-up group commit)."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND usename = current_user"
        )
    )


async def wait_for_held_commit(conn: asyncpg.Connection) -> None:
    async with asyncio.timeout(20):
        while True:
            if await lock_waiters(conn):
                return
            await asyncio.sleep(0.01)


def shed_total(channel: str) -> float:
    return sum(
        REGISTRY.get_sample_value(
            "leadflow_capture_shed_total", {"channel": channel, "reason": reason}
        )
        or 0.0
        for reason in ("queue_full", "too_slow", "deadline")
    )


async def stored(conn: asyncpg.Connection, emails: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT submission->>'email' AS email FROM capture.leads "
        "WHERE submission->>'email' = ANY($1::text[])",
        emails,
    )
    return {r["email"] for r in rows}


def email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


async def test_leads_that_cannot_be_stored_in_time_get_503_and_are_never_stored(
    infra_env: Infra, capture_db: asyncpg.Connection
) -> None:
    locker = await asyncpg.connect(infra_env.service_url("capture").replace("+asyncpg", ""))
    shed_before = shed_total("webhook")
    emails = [email(f"shed{i}") for i in range(30)]
    keys = [f"shed-{uuid.uuid4()}" for _ in emails]
    async with shedding_capture(infra_env) as client:

        def post(i: int) -> Coroutine[Any, Any, httpx.Response]:
            headers = {**WEB, "Idempotency-Key": keys[i]}
            return client.post("/v1/leads", json={"email": emails[i]}, headers=headers)

        try:
            async with leads_locked(locker):
                held = asyncio.create_task(post(0))
                await wait_for_held_commit(capture_db)  # lead 0's transaction waits
                rest = [asyncio.create_task(post(i)) for i in range(1, len(emails))]
                await asyncio.wait(rest, timeout=20)
                assert not held.done()  # its transaction began: it waits for the outcome
                ready = await client.get("/readyz")
        finally:
            await locker.close()
        first = await held
        answers = [first, *(t.result() for t in rest)]

        assert first.status_code == 202
        refused = [i for i, r in enumerate(answers) if r.status_code == 503]
        assert refused == list(range(1, len(emails)))
        for i in refused:
            body = answers[i].json()
            assert body["error"]["code"] == "overloaded"
            assert "overloaded" in body["error"]["message"]
            assert int(answers[i].headers["Retry-After"]) >= 1
        assert shed_total("webhook") - shed_before == len(refused)
        assert ready.status_code == 503
        assert ready.json()["checks"]["intake"].startswith("overloaded")
        assert ready.json()["checks"]["database"] == "ok"

        # Everything has answered and nothing waits: what is stored now is all there is.
        assert await stored(capture_db, emails) == {emails[0]}
        lead_id = uuid.UUID(first.json()["lead_id"])
        events = await capture_db.fetchval(
            "SELECT count(*) FROM capture.outbox WHERE key = $1", str(lead_id).encode()
        )
        assert events == 1

        # A refused lead sent again with its Idempotency-Key is new: the refusal kept nothing.
        again = await post(refused[0])
        assert again.status_code == 202 and "Idempotent-Replayed" not in again.headers
        assert await stored(capture_db, emails) == {emails[0], emails[refused[0]]}


async def test_at_most_commit_queue_max_leads_wait_the_others_are_refused_on_arrival(
    infra_env: Infra, capture_db: asyncpg.Connection
) -> None:
    locker = await asyncpg.connect(infra_env.service_url("capture").replace("+asyncpg", ""))
    before = REGISTRY.get_sample_value(
        "leadflow_capture_shed_total", {"channel": "webhook", "reason": "queue_full"}
    )
    emails = [email(f"full{i}") for i in range(12)]
    # a long bound: the waiting leads are still waiting when the others arrive
    async with shedding_capture(infra_env, commit_deadline_ms=30_000, commit_queue_max=3) as client:

        def post(i: int) -> Coroutine[Any, Any, httpx.Response]:
            return client.post("/v1/leads", json={"email": emails[i]}, headers=WEB)

        try:
            async with leads_locked(locker):
                held = asyncio.create_task(post(0))
                await wait_for_held_commit(capture_db)
                waiting = [asyncio.create_task(post(i)) for i in (1, 2, 3)]
                await until(lambda: REGISTRY.get_sample_value(WAITING) == 3)
                turned_away = await asyncio.gather(*(post(i) for i in range(4, 12)))
                assert not any(t.done() for t in (held, *waiting))
        finally:
            await locker.close()
        accepted = await asyncio.gather(held, *waiting)

    assert [r.status_code for r in accepted] == [202] * 4
    assert [r.status_code for r in turned_away] == [503] * 8
    assert all(r.json()["error"]["code"] == "overloaded" for r in turned_away)
    after = REGISTRY.get_sample_value(
        "leadflow_capture_shed_total", {"channel": "webhook", "reason": "queue_full"}
    )
    assert (after or 0.0) - (before or 0.0) == 8
    assert await stored(capture_db, emails) == set(emails[:4])


async def test_a_form_post_that_cannot_be_stored_in_time_is_sent_to_the_error_page(
    infra_env: Infra, capture_db: asyncpg.Connection
) -> None:
    locker = await asyncpg.connect(infra_env.service_url("capture").replace("+asyncpg", ""))
    plain, scripted = email("plain"), email("scripted")
    async with shedding_capture(infra_env) as client:
        try:
            async with leads_locked(locker):
                held = asyncio.create_task(
                    client.post("/v1/leads", json={"email": email("held")}, headers=WEB)
                )
                await wait_for_held_commit(capture_db)
                page = await client.post("/v1/forms/web-form", data={"email": plain})
                script = await client.post(
                    "/v1/forms/web-form",
                    data={"email": scripted},
                    headers={"Accept": "application/json"},
                )
        finally:
            await locker.close()
        assert (await held).status_code == 202

    assert page.status_code == 303
    target = urlsplit(page.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ERROR
    query = parse_qs(target.query)
    assert query["reason"] == ["overloaded"]
    assert int(query["retry_after"][0]) >= 1
    assert script.status_code == 503
    assert script.json()["error"]["code"] == "overloaded"
    assert int(script.headers["Retry-After"]) >= 1
    assert await stored(capture_db, [plain, scripted]) == set()
