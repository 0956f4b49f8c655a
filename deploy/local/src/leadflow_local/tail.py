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
from collections.abc import AsyncIterator
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


class TopicMissing(LookupError):
    """The topic does not exist (yet)."""


async def records(
    bootstrap_servers: str, topic: str, *, from_beginning: bool = True, follow: bool = True
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """A topic's records, every partition assigned directly (no group, nothing committed).

    Without ``follow`` it stops once it has read past the end offsets seen at the start, and raises
    TopicMissing for a topic that does not exist; with ``follow`` it waits for it."""
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
            raise TopicMissing(topic)
        while not partitions:  # follow: wait for the services to create it
            await asyncio.sleep(1.0)
            partitions = await _partitions(consumer, topic)
        consumer.assign(partitions)
        if from_beginning:
            await consumer.seek_to_beginning(*partitions)
        else:
            await consumer.seek_to_end(*partitions)
        end = await consumer.end_offsets(partitions) if not follow else {}
        while True:
            if end and all([await consumer.position(tp) >= end[tp] for tp in partitions]):
                return
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                # Everything fetched is yielded: a broker may report the end of a partition
                # inside a multi-record batch (Tansu 0.6 does), so offsets are no cut-off.
                for record in batch:
                    yield record
    finally:
        await consumer.stop()


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
    printed = 0
    try:
        async for record in records(
            bootstrap_servers, topic, from_beginning=from_beginning, follow=follow
        ):
            out.write(render(record) + "\n")
            out.flush()
            printed += 1
    except TopicMissing:
        print(f"topic {topic} does not exist (yet)", file=sys.stderr)
    return printed
