"""What the verify benchmark hands verify: the benchmark's realistic leads as capture
publishes them (``lead.captured`` on ``leads.captured.v1``), and a DNS zone for the
domains of their email addresses."""

from __future__ import annotations

import asyncio
import hashlib
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import asyncpg
from aiokafka import AIOKafkaProducer

from leadflow_capture import NAME as CAPTURE
from leadflow_capture.intake.schemas import LeadIn
from leadflow_capture.sources.domain import CaptureConfig
from leadflow_shared.config import load_config
from leadflow_shared.events import (
    Envelope,
    LeadCaptured,
    LeadCapturedData,
    SubmissionContext,
    Topics,
    new_envelope_fields,
    new_id,
)
from leadflow_shared.messaging.kafka import PRODUCER_BATCH_BYTES, ensure_topics
from leadflow_shared.messaging.outbox import Outgoing
from leadflow_shared.messaging.relay import send_in_batches
from leadflow_shared.settings import ServiceSettings
from tests.bench.leads import LeadFactory
from tests.infra import ROOT

EXAMPLE_CONFIG = ROOT / "deploy" / "examples" / "leadflow.yaml"
SOURCE_ID = "web-form"  # the example configuration's browser form, as the pipeline bench posts
PARTITIONS: int = ServiceSettings.model_fields["kafka_topic_partitions"].default

# The email domains' DNS: most have mail servers (MX), some only an address (A: mail goes
# to the domain itself), some do not exist (NXDOMAIN: verify finds no_mail_domain).
NXDOMAIN_PERCENT = 5
A_ONLY_PERCENT = 10


def captured_events(count: int, seed: int, tag: str = "v") -> list[LeadCaptured]:
    """``count`` varied leads, each validated by capture's own model and recorded as capture
    records a JSON post to the example ``web-form`` source."""
    source = load_config(EXAMPLE_CONFIG, CaptureConfig).by_id()[SOURCE_ID]
    make = LeadFactory(tag, seed)
    ip_hash = hashlib.sha256(b"leadflow-bench:127.0.0.1").hexdigest()
    events = []
    for n in range(count):
        received_at = datetime.now(UTC)
        submission = LeadIn.model_validate(make(n)).to_submission(source.default_cta, received_at)
        context = SubmissionContext(
            received_at=received_at,
            channel="webhook",
            ip_hash=ip_hash,
            user_agent="leadflow-bench",
        )
        events.append(
            LeadCaptured(
                **new_envelope_fields(producer=CAPTURE, lead_id=new_id()),
                data=LeadCapturedData(
                    source_id=source.id,
                    submission=submission,
                    context=context,
                    double_opt_in=source.double_opt_in,
                ),
            )
        )
    return events


async def publish(
    bootstrap_servers: str, events: Sequence[Envelope], topic: str = Topics.CAPTURED
) -> None:
    """The events on ``topic`` as an outbox relay sends them (one record batch per
    partition, keyed and partitioned by lead id, with the type headers), after creating the
    topics as the services do."""
    await ensure_topics(
        bootstrap_servers, Topics.ALL, partitions=PARTITIONS, client_id="leadflow-bench-verify"
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id="leadflow-bench-verify",
        acks="all",
        max_batch_size=PRODUCER_BATCH_BYTES,
    )
    rows = [
        {
            "topic": topic,
            "key": event.kafka_key(),
            "value": event.kafka_value(),
            "headers": Outgoing(topic, event).headers_json(),
        }
        for event in events
    ]
    await producer.start()
    try:
        # The relay reads its outbox rows by column name, as it reads these.
        acknowledged = await send_in_batches(producer, cast(Sequence[asyncpg.Record], rows))
        await asyncio.gather(*acknowledged)
    finally:
        await producer.stop()


def domain_kind(domain: str) -> str:
    """``mx``, ``a_only`` or ``nxdomain``: fixed for each domain (a checksum of its name)."""
    bucket = zlib.crc32(domain.encode()) % 100
    if bucket < NXDOMAIN_PERCENT:
        return "nxdomain"
    if bucket < NXDOMAIN_PERCENT + A_ONLY_PERCENT:
        return "a_only"
    return "mx"


@dataclass(frozen=True)
class MailZone:
    text: str  # zone file text, for tests.dns_server.Zone
    kinds: Counter[str]  # domains of each kind

    def describe(self) -> str:
        k = self.kinds
        return (
            f"{sum(k.values())} domains: {k['mx']} with MX records, {k['a_only']} with only an "
            f"address (A), {k['nxdomain']} that do not exist (NXDOMAIN)"
        )


def mail_zone(domains: Iterable[str]) -> MailZone:
    lines: list[str] = []
    kinds: Counter[str] = Counter()
    for domain in domains:
        kind = domain_kind(domain)
        kinds[kind] += 1
        if kind == "mx":
            lines += [
                f"{domain}. 3600 IN MX 10 mx1.{domain}.",
                f"{domain}. 3600 IN MX 20 mx2.{domain}.",
            ]
        elif kind == "a_only":
            lines.append(f"{domain}. 3600 IN A 192.0.2.{zlib.crc32(domain.encode()) % 250 + 1}")
    return MailZone("\n".join(lines) + "\n", kinds)
