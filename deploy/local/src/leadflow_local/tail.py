"""``leadflow-local tail TOPIC``: print a topic's records as JSON lines, without a group.

Every partition is assigned directly (no consumer group, nothing committed), so tailing
never disturbs the services. Each line is ``{"topic", "partition", "offset", "timestamp",
"key", "headers", "value"}``, with the value as JSON, or as ``value_b64`` when it is not.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


def render(record: ConsumerRecord[bytes, bytes]) -> str:
    line: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(),
        "key": record.key.decode(errors="replace") if record.key is not None else None,
        "headers": {k: v.decode(errors="replace") for k, v in record.headers or ()},
    }
    if record.value is None:
        line["value"] = None
    else:
        try:
            line["value"] = json.loads(record.value)
        except ValueError:
            line["value_b64"] = base64.b64encode(record.value).decode()
    return json.dumps(line, ensure_ascii=False)


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    await consumer._client.force_metadata_update()
    return [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]


async def tail(
    bootstrap_servers: str,
    topic: str,
    *,
    from_beginning: bool = True,
    follow: bool = True,
    out: TextIO = sys.stdout,
) -> int:
    """Print records until interrupted (``follow``) or until the end offsets seen at start.

    Returns the number of records printed."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="leadflow-tail",
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic)
        if not partitions and not follow:
            print(f"topic {topic} does not exist (yet)", file=sys.stderr)
            return 0
        while not partitions:  # follow: wait for the services to create it
            await asyncio.sleep(1.0)
            partitions = await _partitions(consumer, topic)
        consumer.assign(partitions)
        if from_beginning:
            await consumer.seek_to_beginning(*partitions)
        else:
            await consumer.seek_to_end(*partitions)
        end = await consumer.end_offsets(partitions) if not follow else {}
        return await _print_records(consumer, partitions, end, out)
    finally:
        await consumer.stop()


async def _print_records(
    consumer: AIOKafkaConsumer,
    partitions: Sequence[TopicPartition],
    end: dict[TopicPartition, int],
    out: TextIO,
) -> int:
    printed = 0
    while True:
        if end and all([await consumer.position(tp) >= end[tp] for tp in partitions]):
            return printed
        batches = await consumer.getmany(timeout_ms=500)
        for records in batches.values():
            for record in records:
                if end and record.offset >= end[TopicPartition(record.topic, record.partition)]:
                    continue
                out.write(render(record) + "\n")
                printed += 1
            out.flush()
