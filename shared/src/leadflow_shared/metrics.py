"""Prometheus metrics shared by every service (each process exposes its own registry)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

OUTBOX_PUBLISHED = Counter(
    "leadflow_outbox_published_total", "Events published from the outbox", ["service"]
)
OUTBOX_RELAY_ERRORS = Counter(
    "leadflow_outbox_relay_errors_total", "Failed outbox relay attempts", ["service"]
)
EVENTS_CONSUMED = Counter(
    "leadflow_events_consumed_total",
    "Events taken from Kafka, by outcome (processed, duplicate, ignored, dead_lettered)",
    ["service", "topic", "outcome"],
)
CONSUMER_RETRIES = Counter(
    "leadflow_consumer_retries_total", "Batches retried after an error", ["service"]
)
BATCH_SECONDS = Histogram(
    "leadflow_consumer_batch_seconds", "Time to process one consumed batch", ["service"]
)
ASSIGNED_PARTITIONS = Gauge(
    "leadflow_consumer_assigned_partitions",
    "Partitions assigned to this consumer process in its group",
    ["service"],
)
