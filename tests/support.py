"""Helpers for tests that read and write the real broker."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from importlib.resources import files
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer, ConsumerRecord

from leadflow_local.tail import TopicMissing, records
from leadflow_shared.db import Database
from leadflow_shared.events import Envelope, parse_event


async def read_topic(bootstrap: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record currently on ``topic``, from the beginning, without a consumer group."""
    try:
        return [r async for r in records(bootstrap, topic, follow=False)]
    except TopicMissing:
        return []


async def events_on(bootstrap: str, topic: str) -> list[Envelope]:
    return [parse_event(r.value) for r in await read_topic(bootstrap, topic) if r.value]


async def wait_for_events(
    bootstrap: str,
    topics: Iterable[str],
    lead_ids: set[uuid.UUID],
    *,
    timeout_s: float = 30.0,
    settle_s: float = 0.0,
) -> dict[uuid.UUID, list[Envelope]]:
    """Wait until every lead has at least one event on ``topics``; then (after ``settle_s``,
    so that duplicates have a chance to show) return all their events by lead id."""
    deadline = time.monotonic() + timeout_s
    topics = list(topics)
    while True:
        found: dict[uuid.UUID, list[Envelope]] = {lead_id: [] for lead_id in lead_ids}
        for topic in topics:
            for event in await events_on(bootstrap, topic):
                if event.lead_id in found:
                    found[event.lead_id].append(event)
        missing = [k for k, v in found.items() if not v]
        if not missing:
            if settle_s:
                await asyncio.sleep(settle_s)
                settle_s = 0.0
                continue
            return found
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(missing)} of {len(lead_ids)} leads got no event on {topics}"
            )
        await asyncio.sleep(0.2)


async def produce(
    bootstrap: str,
    topic: str,
    value: bytes,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def fresh(event_type: str, edit: Callable[[dict[str, Any]], object] = lambda raw: None) -> Any:
    """The golden sample of ``event_type`` as a new event (new event and lead ids), edited
    as raw JSON by ``edit`` first."""
    raw: dict[str, Any] = json.loads(
        files("leadflow_shared.events").joinpath("samples", f"{event_type}.json").read_text()
    )
    raw["id"], raw["lead_id"] = str(uuid.uuid4()), str(uuid.uuid4())
    edit(raw)
    return parse_event(json.dumps(raw))


async def handle(
    db: Database, handler: Callable[..., Awaitable[None]], events: Sequence[Any], **ports: Any
) -> list[Envelope]:
    """Run a stage handler on ``events`` in one committed unit of work, as the stage does;
    returns the events it published."""
    async with db.unit_of_work() as uow:
        await handler(uow, events, **ports)
        published = [message.event for message in uow.staged]
        await uow.commit()
    return published


def api_client(app: Any, name: str) -> httpx.AsyncClient:
    """A client of a service's app in this process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")
