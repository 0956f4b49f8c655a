"""``leadflow-local tail`` against the real broker."""

from __future__ import annotations

import asyncio
import io
import json
import uuid

from aiokafka import AIOKafkaProducer

from leadflow_local.tail import tail
from leadflow_shared.messaging.kafka import ensure_topics
from tests.conftest import Infra


async def test_tail_without_follow_prints_every_record_even_from_one_batch(
    infra_env: Infra,
) -> None:
    topic = f"tail-test-{uuid.uuid4().hex[:8]}.v1"
    await ensure_topics(infra_env.kafka_bootstrap, [topic], partitions=3, client_id="tail-test")
    producer = AIOKafkaProducer(bootstrap_servers=infra_env.kafka_bootstrap, linger_ms=20)
    await producer.start()
    try:  # one key and a linger: the records travel as one multi-record batch
        sent = [
            await producer.send(topic, json.dumps({"n": n}).encode(), key=b"k") for n in range(5)
        ]
        sent.append(await producer.send(topic, b"\xff not json", key=b"k"))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()

    out = io.StringIO()
    printed = await tail(infra_env.kafka_bootstrap, topic, follow=False, out=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert printed == 6
    assert [line.get("value") for line in lines[:5]] == [{"n": n} for n in range(5)]
    assert lines[5]["value_b64"] and "value" not in lines[5]
    assert {line["key"] for line in lines} == {"k"}


async def test_tail_without_follow_on_a_missing_topic_prints_nothing(infra_env: Infra) -> None:
    out = io.StringIO()
    assert (
        await tail(
            infra_env.kafka_bootstrap, f"missing-{uuid.uuid4().hex}.v1", follow=False, out=out
        )
        == 0
    )
    assert out.getvalue() == ""
