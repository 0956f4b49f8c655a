"""Scale-out: two consumer processes of one stage in one group split the partitions and
together never process a lead twice: verify's, also when one of them stops mid-stream and
the other takes its partitions over; router's, with hundreds of leads at once, keeping
the weighted rotation's shares and the reps' capacity."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer

from leadflow_local.broker import TansuBroker
from leadflow_local.postgres import plain_dsn
from leadflow_shared.events import Envelope, LeadCaptured, LeadRouted, LeadScored, Topics
from leadflow_shared.messaging.kafka import ensure_topics
from tests.conftest import Infra, fresh_database
from tests.infra import ROOT, free_port
from tests.support import fresh, wait_for_events

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def captured() -> LeadCaptured:
    event: LeadCaptured = fresh("lead.captured")
    return event


class Consumer:
    """One `leadflow-<service> consumer` process, its operations endpoint on its own port."""

    def __init__(
        self,
        infra: Infra,
        bootstrap: str,
        log: Path,
        service: str = "verify",
        **settings: str,
    ) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env |= {
            "LEADFLOW_DATABASE_URL": infra.service_url(service),
            "LEADFLOW_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "LEADFLOW_CONSUMER_HTTP_PORT": str(self.port),
            "LEADFLOW_KAFKA_SESSION_TIMEOUT_MS": "6000",
            "LEADFLOW_KAFKA_IDLE_FETCH_MAX_WAIT_MS": "100",
            "LEADFLOW_LOG_LEVEL": "WARNING",
            **settings,
        }
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / f"leadflow-{service}"), "consumer"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}") as client:
            return await client.get(path)

    async def wait_ready(self, timeout_s: float = 60) -> None:
        for _ in range(int(timeout_s * 10)):
            assert self.process.poll() is None, "the consumer process exited"
            try:
                if (await self.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("the consumer process never got ready")

    async def metric(self, name: str, **labels: str) -> float:
        text = (await self.get("/metrics")).text
        total = 0.0
        for line in text.splitlines():
            match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
            if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
                total += float(match.group(2))
        return total

    def stop(self, timeout_s: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


@contextmanager
def broker() -> Iterator[TansuBroker]:
    started = TansuBroker(port=free_port())
    started.start()
    try:
        yield started
    finally:
        started.stop()


async def produce(
    bootstrap: str, events: list[LeadCaptured] | list[LeadScored], topic: str = Topics.CAPTURED
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        sent = [await producer.send(topic, e.kafka_value(), key=e.kafka_key()) for e in events]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def test_two_consumers_split_the_partitions_and_never_process_a_lead_twice(
    infra_env: Infra, tmp_path: Path
) -> None:
    # A database and a broker of its own: the session's verify consumer relays the
    # session database's verify outbox to the session's broker.
    with broker() as kafka, fresh_database(infra_env, ["verify"]) as own:
        bootstrap = kafka.bootstrap_servers
        await ensure_topics(bootstrap, Topics.ALL, partitions=3, client_id="test")
        batches = [[captured() for _ in range(150)] for _ in range(3)]
        await produce(bootstrap, batches[0])
        first = Consumer(own, bootstrap, tmp_path / "first.log")
        second = Consumer(own, bootstrap, tmp_path / "second.log")
        try:
            await asyncio.gather(first.wait_ready(), second.wait_ready())
            await produce(bootstrap, batches[1])
            everyone = {e.lead_id for e in batches[0] + batches[1]}
            await wait_for_events(
                bootstrap, [Topics.VERIFIED, Topics.REJECTED], everyone, timeout_s=90
            )
            # After the group settled, each process holds some of the three partitions.
            held = [
                await c.metric("leadflow_consumer_assigned_partitions") for c in (first, second)
            ]
            assert sorted(held) == [1, 2], held
            done_by_first = await first.metric(
                "leadflow_events_consumed_total", outcome="processed"
            )
            assert first.stop() == 0  # mid-stream: the other one takes its partitions over
            await produce(bootstrap, batches[2])
            everyone |= {e.lead_id for e in batches[2]}
            outcomes = await wait_for_events(
                bootstrap, [Topics.VERIFIED, Topics.REJECTED], everyone, timeout_s=90, settle_s=2
            )
            done_by_second = await second.metric(
                "leadflow_events_consumed_total", outcome="processed"
            )
        finally:
            first.stop()
            second.stop()
    assert {lead: len(events) for lead, events in outcomes.items() if len(events) != 1} == {}
    assert done_by_first > 0 and done_by_second > 0
    assert done_by_first + done_by_second == len(everyone)


def hot_lead(country: str, n: int) -> LeadScored:
    """A hot SQL lead from ``country``, of a person and a company of its own (nothing makes
    it a repeat of another lead)."""

    def edit(raw: dict[str, object]) -> None:
        data = raw["data"]
        assert isinstance(data, dict)
        data |= {"temperature": "hot", "status": "sql"}
        contact = data["lead"]["contact"]
        contact |= {"country": country, "email": f"buyer{n}@company{n}.example"}

    event: LeadScored = fresh("lead.scored", edit)
    return event


# Two reps share the US by weight (1 and 2, room for every lead); one rep covers DE with
# room for five.
TEAM = {
    "reps": [
        {"id": "rep-one", "name": "One", "territories": ["US"], "weight": 1, "capacity": 1000},
        {"id": "rep-two", "name": "Two", "territories": ["US"], "weight": 2, "capacity": 1000},
        {"id": "rep-small", "name": "Small", "territories": ["DE"], "capacity": 5},
    ],
    "partners": [],
}


async def open_leads(infra: Infra) -> dict[str, int]:
    conn = await asyncpg.connect(plain_dsn(infra.admin_url))
    try:
        rows = await conn.fetch("SELECT id, open_leads FROM router.reps")
    finally:
        await conn.close()
    return {r["id"]: int(r["open_leads"]) for r in rows}


async def test_two_router_consumers_assign_each_lead_once_by_weight_and_within_capacity(
    infra_env: Infra, tmp_path: Path
) -> None:
    config = tmp_path / "team.yaml"
    config.write_text(yaml.safe_dump(TEAM))
    us = [hot_lead("US", n) for n in range(300)]
    de = [hot_lead("DE", 1000 + n) for n in range(20)]
    with broker() as kafka, fresh_database(infra_env, ["router"]) as own:
        bootstrap = kafka.bootstrap_servers
        await ensure_topics(bootstrap, Topics.ALL, partitions=3, client_id="test")
        settings = {"LEADFLOW_CONFIG_FILE": str(config)}
        first = Consumer(own, bootstrap, tmp_path / "first.log", "router", **settings)
        second = Consumer(own, bootstrap, tmp_path / "second.log", "router", **settings)
        try:
            await asyncio.gather(first.wait_ready(), second.wait_ready())
            # all at once, interleaved: both processes route at the same time
            await produce(bootstrap, [*us, *de], Topics.SCORED)
            everyone = {e.lead_id for e in us + de}
            outcomes = await wait_for_events(
                bootstrap, [Topics.ROUTED], everyone, timeout_s=120, settle_s=2
            )
            done = [
                await c.metric("leadflow_events_consumed_total", outcome="processed")
                for c in (first, second)
            ]
            held = [
                await c.metric("leadflow_consumer_assigned_partitions") for c in (first, second)
            ]
            stored = await open_leads(own)
        finally:
            first.stop()
            second.stop()
    assert {lead: len(events) for lead, events in outcomes.items() if len(events) != 1} == {}
    assert sorted(held) == [1, 2], held
    assert all(n > 0 for n in done) and sum(done) == len(everyone), done

    def to(events: list[Envelope]) -> str:
        routed = events[0]
        assert isinstance(routed, LeadRouted)
        return routed.data.assignee.id

    us_shares = sorted(to(outcomes[e.lead_id]) for e in us)
    assert abs(us_shares.count("rep-one") - 100) <= 1, us_shares.count("rep-one")
    assert abs(us_shares.count("rep-two") - 200) <= 1, us_shares.count("rep-two")
    de_went = [to(outcomes[e.lead_id]) for e in de]
    assert de_went.count("rep-small") == 5
    assert set(de_went) == {"rep-small", "sales"}  # the rest wait in the sales queue
    assert stored == {
        "rep-one": us_shares.count("rep-one"),
        "rep-two": us_shares.count("rep-two"),
        "rep-small": 5,
    }
