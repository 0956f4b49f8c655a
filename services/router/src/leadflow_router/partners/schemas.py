"""How partners' read API shows a partner."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from leadflow_router.partners.domain import Partner
from leadflow_router.webhooks.repository import EndpointHealth


class WebhookHealthOut(BaseModel):
    """A partner's webhook as router sees it (neither its URL nor its secret)."""

    healthy: bool  # False: routing skips the partner until a probe succeeds
    failures_in_a_row: int
    next_probe_at: datetime | None  # while unhealthy
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    pending: int  # deliveries waiting to be posted (or posted again)
    failed: int  # refused or given up (kept for LEADFLOW_WEBHOOK_RETENTION_S)

    @classmethod
    def of(cls, health: EndpointHealth) -> WebhookHealthOut:
        return cls(
            healthy=health.healthy,
            failures_in_a_row=health.failures,
            next_probe_at=None if health.healthy else health.probe_at,
            last_success_at=health.last_success_at,
            last_failure_at=health.last_failure_at,
            last_error=health.last_error,
            pending=health.pending,
            failed=health.failed,
        )


class PartnerOut(BaseModel):
    id: str
    name: str
    territories: list[str]
    active: bool
    webhook_health: WebhookHealthOut | None = None  # None: no webhook

    @classmethod
    def of(cls, partner: Partner, health: EndpointHealth | None = None) -> PartnerOut:
        return cls(
            id=partner.id,
            name=partner.name,
            territories=list(partner.territories),
            active=partner.active,
            webhook_health=None if health is None else WebhookHealthOut.of(health),
        )
