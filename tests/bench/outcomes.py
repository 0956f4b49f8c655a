"""Reads the pipeline's outcomes as a user would, in a process of its own.

An aiokafka consumer without a group (every partition of the ``--topics``, by default
``leads.routed.v1`` and ``leads.rejected.v1``, assigned directly, nothing committed, like
``leadflow-local tail``) writes one line per record to ``--out``: the wall-clock time it
was read, the topic, and the lead id (the record's key, or the envelope's ``lead_id``);
with ``--with-outcome`` a fourth column, the verification outcome (``verified`` or
``needs_review`` from a ``lead.verified`` event, ``rejected`` for a ``lead.rejected``), a
``lead.scored``'s temperature or a ``lead.routed``'s kind of assignee (``rep``, ``partner``,
``queue``, ``nurture``); else ``-``. It prints ``ready`` once it reads from the end of
every partition, and stops on SIGTERM or SIGINT.

    python -m tests.bench.outcomes --bootstrap-servers 127.0.0.1:9092 --out outcomes.txt
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from pathlib import Path
from typing import TextIO

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from leadflow_shared.events import Topics

TOPICS = (Topics.ROUTED, Topics.REJECTED)
READER_FETCH_WAIT_MS = 20


def lead_id(record: ConsumerRecord[bytes, bytes]) -> str:
    if record.key:
        return record.key.decode()
    return str(json.loads(record.value or b"{}").get("lead_id", "-"))


def outcome(record: ConsumerRecord[bytes, bytes]) -> str:
    """What the stage decided, as the event says it: verify's outcome, score's
    temperature, router's kind of assignee."""
    event = json.loads(record.value or b"{}")
    if event.get("type") == "lead.rejected":
        return "rejected"
    if event.get("type") == "lead.verified":
        return str(event.get("data", {}).get("outcome", "verified"))
    if event.get("type") == "lead.scored":
        return str(event.get("data", {}).get("temperature", "-"))
    if event.get("type") == "lead.routed":
        return str(event.get("data", {}).get("assignee", {}).get("kind", "-"))
    return "-"


def line(read_at: float, record: ConsumerRecord[bytes, bytes], with_outcome: bool) -> str:
    fields = f"{read_at:.6f} {record.topic} {lead_id(record)}"
    return f"{fields} {outcome(record)}\n" if with_outcome else f"{fields}\n"


async def partitions(consumer: AIOKafkaConsumer, topics: tuple[str, ...]) -> list[TopicPartition]:
    """Every partition of ``topics``, waiting for topics the services have not created yet."""
    while True:
        await consumer.topics()  # refreshes the cluster metadata
        found = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if {tp.topic for tp in found} == set(topics):
            return found
        await asyncio.sleep(0.5)


async def read(
    bootstrap_servers: str,
    out: TextIO,
    stop: asyncio.Event,
    topics: tuple[str, ...] = TOPICS,
    with_outcome: bool = False,
) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="leadflow-bench-outcomes",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        # A fetch waits this long at the broker (Tansu answers only when the wait is over):
        # the reader adds at most this to each latency.
        fetch_max_wait_ms=READER_FETCH_WAIT_MS,
    )
    await consumer.start()
    try:
        assigned = await partitions(consumer, topics)
        consumer.assign(assigned)
        await consumer.seek_to_end(*assigned)
        for tp in assigned:
            await consumer.position(tp)
        print("ready", flush=True)
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            now = time.time()
            for batch in batches.values():
                out.writelines(line(now, r, with_outcome) for r in batch)
            out.flush()
    finally:
        await consumer.stop()


async def read_until_stopped(
    bootstrap_servers: str, out: TextIO, topics: tuple[str, ...], with_outcome: bool
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await read(bootstrap_servers, out, stop, topics, with_outcome)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument(
        "--topics",
        default=",".join(TOPICS),
        help=f"comma-separated (default {','.join(TOPICS)})",
    )
    p.add_argument("--with-outcome", action="store_true", help="a fourth column: the outcome")
    args = p.parse_args(argv)
    topics = tuple(t.strip() for t in args.topics.split(",") if t.strip())
    with open(args.out, "w") as out:
        asyncio.run(read_until_stopped(args.bootstrap_servers, out, topics, args.with_outcome))


if __name__ == "__main__":
    main()
