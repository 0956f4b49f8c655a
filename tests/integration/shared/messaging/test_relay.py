"""The outbox relay publishes staged events in order, woken by Postgres notifications; it
waits out a broker outage, survives losing its listening connection, and keeps published
rows only as long as asked; `redrive` sends the kept ones again to a broker that lost
its data."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from leadflow_capture.tables import outbox as capture_outbox
from leadflow_local.broker import TansuBroker
from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, Topics, new_envelope_fields
from leadflow_shared.events.v1 import Assignee, LeadFeedbackData
from leadflow_shared.messaging.outbox import Outbox, Outgoing
from leadflow_shared.messaging.pruning import prune
from leadflow_shared.service.cli import command_line
from leadflow_shared.uow import UnitOfWork
from tests.conftest import Infra
from tests.infra import free_port
from tests.proxy import CuttableProxy
from tests.support import wait_for_events


def feedback(lead_id: uuid.UUID, n: int) -> Outgoing:
    event = LeadFeedback(
        **new_envelope_fields(producer="capture", lead_id=lead_id),
        data=LeadFeedbackData(
            outcome="contacted",
            assignee=Assignee(kind="rep", id="rep-anna"),
            note=f"call {n}",
            reported_at=datetime.now(UTC),
        ),
    )
    return Outgoing(Topics.FEEDBACK, event)


@pytest.fixture
async def capture_db(infra_env: Infra) -> AsyncIterator[Database]:
    db = Database(infra_env.service_url("capture"), pool_size=2)
    yield db
    await db.dispose()


async def stage(db: Database, messages: list[Outgoing]) -> None:
    async def work(uow: UnitOfWork) -> None:
        await Outbox(capture_outbox).stage(await uow.driver(), messages)

    await db.transaction(work)


async def outbox_rows(db: Database, messages: list[Outgoing]) -> list[Any]:
    ids = [m.event.id for m in messages]
    async with db.unit_of_work() as uow:
        rows = await uow.session.execute(
            capture_outbox.select().where(capture_outbox.c.event_id.in_(ids))
        )
        return list(rows.all())


async def still_in_outbox(db: Database, messages: list[Outgoing]) -> int:
    """How many of ``messages`` wait to be published."""
    return sum(1 for row in await outbox_rows(db, messages) if row.published_at is None)


async def test_relay_waits_out_a_broker_outage_and_loses_nothing(
    infra_env: Infra, capture_db: Database
) -> None:
    # Clients reach the broker only through a proxy, so cutting it is an outage that
    # leaves the broker (and its topics) alive, as a network failure would.
    proxy_port = free_port()
    broker = TansuBroker(port=free_port(), advertised_port=proxy_port)
    proxy = CuttableProxy("127.0.0.1", broker.port)
    proxy.port = proxy_port
    metrics_port = free_port()
    settings = infra_env.settings(
        CaptureSettings,
        "capture",
        kafka_bootstrap_servers=broker.bootstrap_servers,
        consumer_http_port=metrics_port,
    )
    first_lead, second_lead = uuid.uuid4(), uuid.uuid4()
    first = [feedback(first_lead, n) for n in range(3)]
    second = [feedback(second_lead, n) for n in range(3)]
    await stage(capture_db, first)  # staged while no broker is reachable at all

    stop = asyncio.Event()
    broker.start()
    worker = asyncio.create_task(CAPTURE.run_consumer(settings, stop))
    try:
        await asyncio.sleep(1.0)
        assert not worker.done()
        assert await still_in_outbox(capture_db, first) == 3

        await proxy.start()
        got = await wait_for_events(broker.bootstrap_servers, [Topics.FEEDBACK], {first_lead})
        assert [e.id for e in got[first_lead]] == [m.event.id for m in first]

        await proxy.cut()
        await stage(capture_db, second)
        await asyncio.sleep(2.0)
        assert not worker.done()
        assert await still_in_outbox(capture_db, second) == 3

        await proxy.restore()
        got = await wait_for_events(
            broker.bootstrap_servers, [Topics.FEEDBACK], {second_lead}, timeout_s=45, settle_s=0.5
        )
        assert [e.id for e in got[second_lead]] == [m.event.id for m in second]
        # The consumer process serves its own counters.
        async with httpx.AsyncClient() as client:
            scraped = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        published = re.search(
            r'leadflow_outbox_published_total\{service="capture"\} (\S+)', scraped
        )
        assert published is not None and float(published.group(1)) >= len(first + second)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        await proxy.cut()
        broker.stop()
    assert await still_in_outbox(capture_db, first + second) == 0


async def consumer_ready(port: int, worker: asyncio.Task[None], timeout_s: float = 60) -> None:
    """Wait until the consumer process's /readyz answers 200."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    async with httpx.AsyncClient() as client:
        while True:
            assert not worker.done(), worker
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert asyncio.get_running_loop().time() < deadline, "the consumer never got ready"
            await asyncio.sleep(0.1)


async def test_a_notification_wakes_the_relay_also_after_its_listening_connection_is_lost(
    infra_env: Infra, capture_db: Database
) -> None:
    """With the fallback poll five minutes away, only a notification can wake the relay."""
    broker = TansuBroker(port=free_port())
    port = free_port()
    settings = infra_env.settings(
        CaptureSettings,
        "capture",
        kafka_bootstrap_servers=broker.bootstrap_servers,
        consumer_http_port=port,
        outbox_poll_interval_s=300,
    )
    stop = asyncio.Event()
    broker.start()
    worker = asyncio.create_task(CAPTURE.run_consumer(settings, stop))
    try:
        await consumer_ready(port, worker)
        for n in range(2):
            lead = uuid.uuid4()
            await stage(capture_db, [feedback(lead, n)])
            await wait_for_events(broker.bootstrap_servers, [Topics.FEEDBACK], {lead}, timeout_s=20)
            # Cut the relay's listening connection: it must listen again.
            async with capture_db.driver_connection() as conn:
                cut = await conn.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'capture-consumer-relay-listen' "
                    "AND datname = current_database()"
                )
            assert cut == 1
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        broker.stop()


async def test_published_rows_are_kept_for_the_retention_then_pruned(
    infra_env: Infra, capture_db: Database
) -> None:
    broker = TansuBroker(port=free_port())
    settings = infra_env.settings(
        CaptureSettings,
        "capture",
        kafka_bootstrap_servers=broker.bootstrap_servers,
        consumer_http_port=free_port(),
        outbox_retention_s=3600,
    )
    lead = uuid.uuid4()
    old, recent = [feedback(lead, 0)], [feedback(lead, 1)]
    stop = asyncio.Event()
    broker.start()
    worker = asyncio.create_task(CAPTURE.run_consumer(settings, stop))
    try:
        await stage(capture_db, old + recent)
        got = await wait_for_events(
            broker.bootstrap_servers, [Topics.FEEDBACK], {lead}, settle_s=0.5
        )
        assert len(got[lead]) == 2
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        broker.stop()
    rows = await outbox_rows(capture_db, old + recent)
    assert len(rows) == 2 and all(row.published_at is not None for row in rows)
    async with capture_db.driver_connection() as conn:
        await conn.execute(
            "UPDATE outbox SET published_at = now() - interval '2 hours' WHERE event_id = $1",
            old[0].event.id,
        )
    pruned = await prune(
        capture_db,
        CAPTURE.inbox(),
        CAPTURE.outbox(),
        inbox_retention_s=0,
        outbox_retention_s=settings.outbox_retention_s,
    )
    assert pruned.outbox >= 1 and pruned.inbox == 0
    assert [row.event_id for row in await outbox_rows(capture_db, old + recent)] == [
        recent[0].event.id
    ]


async def test_redrive_sends_the_kept_events_again_to_a_broker_that_lost_its_data(
    infra_env: Infra, capture_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost, fresh = TansuBroker(port=free_port()), TansuBroker(port=free_port())
    settings = infra_env.settings(
        CaptureSettings,
        "capture",
        kafka_bootstrap_servers=lost.bootstrap_servers,
        consumer_http_port=free_port(),
        outbox_retention_s=86_400,
    )
    lead = uuid.uuid4()
    older, recent = [feedback(lead, 0)], [feedback(lead, 1), feedback(lead, 2)]
    stop = asyncio.Event()
    lost.start()
    worker = asyncio.create_task(CAPTURE.run_consumer(settings, stop))
    try:
        await stage(capture_db, older + recent)
        got = await wait_for_events(lost.bootstrap_servers, [Topics.FEEDBACK], {lead}, settle_s=0.5)
        assert len(got[lead]) == 3
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        lost.stop()  # its topics go with it
    async with capture_db.driver_connection() as conn:
        await conn.execute(
            "UPDATE outbox SET published_at = now() - interval '2 hours' WHERE event_id = $1",
            older[0].event.id,
        )

    monkeypatch.setenv("LEADFLOW_DATABASE_URL", infra_env.service_url("capture"))
    monkeypatch.setenv("LEADFLOW_IP_HASH_SALT", "test-salt-0123456789")
    monkeypatch.setenv("LEADFLOW_OUTBOX_RETENTION_S", "86400")
    runner = CliRunner()
    bad = await asyncio.to_thread(runner.invoke, command_line(CAPTURE), ["redrive", "--since", "x"])
    assert bad.exit_code == 2 and "neither a span" in bad.output
    result = await asyncio.to_thread(
        runner.invoke, command_line(CAPTURE), ["redrive", "--since", "1h"]
    )
    assert result.exit_code == 0, result.output
    assert "capture: " in result.output and "wait in the outbox again" in result.output
    assert await still_in_outbox(capture_db, recent) == 2  # the last hour's, not the older
    assert await still_in_outbox(capture_db, older) == 0

    fresh.start()
    stop = asyncio.Event()
    again = settings.model_copy(update={"kafka_bootstrap_servers": fresh.bootstrap_servers})
    worker = asyncio.create_task(CAPTURE.run_consumer(again, stop))
    try:
        got = await wait_for_events(
            fresh.bootstrap_servers, [Topics.FEEDBACK], {lead}, settle_s=0.5
        )
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
        fresh.stop()
    assert sorted(e.id for e in got[lead]) == sorted(m.event.id for m in recent)
    assert await still_in_outbox(capture_db, recent) == 0
