"""webhooks' Prometheus metrics (the consumer process's /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

POSTS = Counter(
    "leadflow_router_webhook_posts_total",
    "Posts of offers to partners' webhooks, by outcome: delivered, retried (to be tried "
    "again) or failed (refused, or given up)",
    ["partner", "outcome"],
)
HEALTHY = Gauge(
    "leadflow_router_webhook_healthy",
    "1 while a partner's webhook is healthy, 0 while it is skipped until a probe succeeds",
    ["partner"],
)
FAILURES = Gauge(
    "leadflow_router_webhook_failures_in_a_row",
    "Failed posts to a partner's webhook since its last success",
    ["partner"],
)
