"""The messaging contract every service keeps, run against each service's own schema and
role: the inbox claims an event once, a unit of work stages what it publishes only when
it commits, every insert into the outbox notifies the relay's channel, and old inbox rows
are pruned."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from leadflow_shared.db import Database
from leadflow_shared.events import LeadFeedback, Topics, new_envelope_fields
from leadflow_shared.events.v1 import Assignee, LeadFeedbackData
from leadflow_shared.messaging.pruning import prune
from leadflow_shared.service import Service
from tests.conftest import DECLARATIONS, Infra


@pytest.fixture(params=sorted(DECLARATIONS))
async def service(request: pytest.FixtureRequest) -> Service[Any]:
    return DECLARATIONS[request.param]


@pytest.fixture
async def db(infra_env: Infra, service: Service[Any]) -> AsyncIterator[Database]:
    database = Database(infra_env.service_url(service.name), pool_size=2, outbox=service.outbox())
    yield database
    await database.dispose()


def an_event() -> LeadFeedback:
    return LeadFeedback(
        **new_envelope_fields(producer="test", lead_id=uuid.uuid4()),
        data=LeadFeedbackData(
            outcome="accepted",
            assignee=Assignee(kind="rep", id="rep-ben"),
            reported_at=datetime.now(UTC),
        ),
    )


async def staged(db: Database, service: Service[Any], event_id: uuid.UUID) -> int:
    async with db.driver_connection() as conn:
        count: int = await conn.fetchval(
            f"SELECT count(*) FROM {service.table('outbox').fullname} WHERE event_id = $1",
            event_id,
        )
        return count


async def test_the_inbox_claims_each_event_once(db: Database, service: Service[Any]) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    inbox = service.inbox()
    async with db.unit_of_work() as uow:
        claimed = await inbox.claim(uow, [(first, Topics.CAPTURED), (first, Topics.CAPTURED)])
        await uow.commit()
    assert claimed == {first}
    async with db.unit_of_work() as uow:
        claimed = await inbox.claim(uow, [(first, Topics.CAPTURED), (second, "t")])
        await uow.commit()
    assert claimed == {second}


async def test_statements_on_the_driver_connection_belong_to_the_unit_of_work(
    db: Database, service: Service[Any]
) -> None:
    dropped, kept = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work() as uow:
        assert await service.inbox().claim(uow, [(dropped, "t")]) == {dropped}
        # not committed: rolled back with everything else
    async with db.unit_of_work() as uow:
        assert await service.inbox().claim(uow, [(dropped, "t"), (kept, "t")]) == {dropped, kept}
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await service.inbox().claim(uow, [(dropped, "t"), (kept, "t")]) == set()


async def test_a_unit_of_work_keeps_one_driver_connection_and_plans_for_the_parameters(
    db: Database,
) -> None:
    async with db.unit_of_work() as uow:
        first = await uow.driver()
        assert await uow.driver() is first
        ours = await first.fetchval("SELECT pg_backend_pid()")
        in_session = await uow.session.scalar(sa.text("SELECT pg_backend_pid()"))
        assert in_session == ours  # ORM statements and driver statements: one transaction
        assert await first.fetchval("SHOW plan_cache_mode") == "force_custom_plan"
        await uow.commit()
    async with db.unit_of_work() as uow:  # a new one starts from the pool again
        assert await (await uow.driver()).fetchval("SELECT 1") == 1
        await uow.commit()


async def test_a_unit_of_work_stages_what_it_publishes_only_when_it_commits(
    db: Database, service: Service[Any]
) -> None:
    dropped, kept = an_event(), an_event()
    async with db.unit_of_work() as uow:
        uow.publish(Topics.FEEDBACK, dropped)
        assert [m.event for m in uow.staged] == [dropped]
    async with db.unit_of_work() as uow:
        uow.publish(Topics.FEEDBACK, kept)
        await uow.commit()
        assert uow.staged == ()
    assert await staged(db, service, dropped.id) == 0
    assert await staged(db, service, kept.id) == 1


async def test_every_insert_into_the_outbox_notifies_the_relay_channel(
    db: Database, service: Service[Any]
) -> None:
    heard: asyncio.Queue[str] = asyncio.Queue()
    listening = await db.connect("test-listen")
    try:
        await listening.add_listener(
            service.outbox().channel, lambda *args: heard.put_nowait(args[2])
        )
        async with db.unit_of_work() as uow:
            uow.publish(Topics.FEEDBACK, an_event())
            await uow.commit()
        assert await asyncio.wait_for(heard.get(), timeout=10) == f"{service.schema}.outbox"
    finally:
        await listening.close()


async def test_inbox_rows_past_their_retention_are_pruned(
    db: Database, service: Service[Any]
) -> None:
    old, recent = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work() as uow:
        await service.inbox().claim(uow, [(old, "t"), (recent, "t")])
        await uow.commit()
    inbox = service.table("inbox").fullname
    async with db.driver_connection() as conn:
        await conn.execute(
            f"UPDATE {inbox} SET processed_at = now() - interval '2 days' WHERE event_id = $1", old
        )
    pruned = await prune(
        db, service.inbox(), service.outbox(), inbox_retention_s=86_400, outbox_retention_s=0
    )
    assert pruned.inbox >= 1
    async with db.driver_connection() as conn:
        left = await conn.fetch(
            f"SELECT event_id FROM {inbox} WHERE event_id = ANY($1::uuid[])", [old, recent]
        )
    assert [r["event_id"] for r in left] == [recent]
