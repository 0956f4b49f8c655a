"""webhooks' chore in the consumer process: posting the due deliveries; and the ports it
needs, with the check the consumer makes of their secrets at start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadflow_router.config import RouterConfig
from leadflow_router.settings import RouterSettings
from leadflow_router.webhooks.ports import Secrets, WebhookClient
from leadflow_shared.config import ConfigError, load_config
from leadflow_shared.ports import Clock
from leadflow_shared.service import Chore, Runtime


async def _deliver(runtime: Runtime[Any]) -> None:
    # the chore's code, imported where it runs: the api process loads this module too
    from leadflow_router.webhooks.delivery import Deliverer, deliver_due

    settings: RouterSettings = runtime.settings
    deliverer = Deliverer(
        client=runtime.port("webhooks", WebhookClient),
        secrets=runtime.port("secrets", Secrets),
        clock=runtime.port("clock", Clock),
        policy=settings.webhook_policy(),
        batch_size=settings.webhook_batch_size,
        concurrency=settings.webhook_concurrency,
        retention_s=settings.webhook_retention_s,
    )
    await deliver_due(runtime.unit_of_work, deliverer)


def _deliver_every(settings: Any) -> float:
    return float(settings.webhook_interval_s)


CHORES = (Chore("posting partners' webhooks", _deliver_every, _deliver),)


def webhook_ports(settings: RouterSettings) -> Mapping[str, object]:
    return {"webhooks": WebhookClient(settings.webhook_timeout_s), "secrets": Secrets()}


def check_webhook_secrets(settings: RouterSettings, secrets: Secrets | None = None) -> None:
    """Refuse to start when a partner's webhook names a ``secret_env`` that is not set (the
    message names the variables, never a value)."""
    config = load_config(settings.config_file, RouterConfig)
    environ = secrets or Secrets()
    missing = sorted(
        p.webhook.secret_env
        for p in config.partners
        if p.webhook is not None
        and p.webhook.secret_env is not None
        and environ.get(p.webhook.secret_env) is None
    )
    if missing:
        raise ConfigError(
            f"partner webhooks need these environment variables set: {', '.join(missing)}"
        )
