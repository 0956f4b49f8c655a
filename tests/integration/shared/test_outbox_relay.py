"""The outbox relay publishes staged events in order, and waits out a broker outage."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from leadflow_capture import worker as capture_worker
from leadflow_capture.settings import CaptureSettings
from leadflow_capture.tables import outbox as capture_outbox
from leadflow_local.broker import TansuBroker, free_port
from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, Topics, new_envelope_fields
from leadflow_shared.events.v1 import Assignee, LeadFeedbackData
from leadflow_shared.outbox import Outbox, Outgoing
from tests.conftest import Infra
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
    await db.transaction(lambda session: Outbox(capture_outbox).stage(session, messages))


async def still_in_outbox(db: Database, messages: list[Outgoing]) -> int:
    ids = [m.event.id for m in messages]
    async with db.unit_of_work() as uow:
        rows = await uow.session.execute(
            capture_outbox.select().where(capture_outbox.c.event_id.in_(ids))
        )
        return len(rows.all())


async def test_relay_waits_out_a_broker_outage_and_loses_nothing(
    infra_env: Infra, capture_db: Database
) -> None:
    # Clients reach the broker only through a proxy, so cutting it is an outage that
    # leaves the broker (and its topics) alive, as a network failure would.
    proxy_port = free_port()
    broker = TansuBroker(advertised_port=proxy_port)
    proxy = CuttableProxy("127.0.0.1", broker.port)
    proxy.port = proxy_port
    metrics_port = free_port()
    settings = infra_env.settings(
        CaptureSettings,
        "capture",
        kafka_bootstrap_servers=broker.bootstrap_servers,
        consumer_metrics_port=metrics_port,
    )
    first_lead, second_lead = uuid.uuid4(), uuid.uuid4()
    first = [feedback(first_lead, n) for n in range(3)]
    second = [feedback(second_lead, n) for n in range(3)]
    await stage(capture_db, first)  # staged while no broker is reachable at all

    stop = asyncio.Event()
    broker.start()
    worker = asyncio.create_task(capture_worker.run(settings, stop))
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
