from __future__ import annotations

from pydantic import Field

from leadflow_router.webhooks.domain import DeliveryPolicy
from leadflow_shared.settings import ServiceSettings


class RouterSettings(ServiceSettings):
    http_port: int = Field(default=8003, ge=1, le=65535)
    # how often the consumer looks for assignments whose SLA ran out, and how many it moves
    # on in one transaction
    sla_check_interval_s: float = Field(default=15.0, gt=0)
    sla_batch_size: int = Field(default=200, ge=1)
    # partners' webhooks (the consumer process posts them)
    webhook_interval_s: float = Field(default=1.0, gt=0)
    webhook_batch_size: int = Field(default=100, ge=1, le=10_000)
    webhook_concurrency: int = Field(default=10, ge=1, le=1_000)
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=300)
    webhook_max_attempts: int = Field(default=10, ge=1)
    webhook_backoff_initial_s: float = Field(default=2.0, gt=0)
    webhook_backoff_max_s: float = Field(default=600.0, gt=0)
    webhook_unhealthy_after: int = Field(default=5, ge=1)
    webhook_cooldown_s: float = Field(default=60.0, gt=0)
    webhook_retention_s: float = Field(default=7 * 86_400.0, ge=0)

    def webhook_policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            max_attempts=self.webhook_max_attempts,
            backoff_initial_s=self.webhook_backoff_initial_s,
            backoff_max_s=self.webhook_backoff_max_s,
            unhealthy_after=self.webhook_unhealthy_after,
            cooldown_s=self.webhook_cooldown_s,
        )
