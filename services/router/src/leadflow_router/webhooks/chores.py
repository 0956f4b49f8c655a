"""webhooks' chore in the consumer process: posting the due deliveries; and the ports it
needs, with the check the consumer makes of their secrets at start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from leadflow_router.config import RouterConfig
from leadflow_router.settings import RouterSettings
from leadflow_router.webhooks.ports import Secrets, WebhookClient
from leadflow_shared.config import ConfigError, load_config
from leadflow_shared.ports import Clock
from leadflow_shared.service import Chore, Runtime

if TYPE_CHECKING:
    from leadflow_router.webhooks.delivery import Deliverer


def _deliverer(runtime: Runtime[Any]) -> Deliverer:
    # the chores' code, imported where it runs: the api process loads this module too
    from leadflow_router.webhooks.delivery import Deliverer

    settings: RouterSettings = runtime.settings
    return Deliverer(
        client=runtime.port("webhooks", WebhookClient),
        secrets=runtime.port("secrets", Secrets),
        clock=runtime.port("clock", Clock),
        policy=settings.webhook_policy(),
        batch_size=settings.webhook_batch_size,
        concurrency=settings.webhook_concurrency,
        retention_s=settings.webhook_retention_s,
    )


async def _deliver(runtime: Runtime[Any]) -> None:
    from leadflow_router.webhooks.delivery import deliver_due

    await deliver_due(runtime.unit_of_work, _deliverer(runtime))


async def _prune(runtime: Runtime[Any]) -> None:
    from leadflow_router.webhooks.delivery import prune_finished

    await prune_finished(runtime.unit_of_work, _deliverer(runtime))


# With no webhook in the configuration, only deliveries left from a webhook since removed
# can be waiting (they wait until it is configured again): looking once a minute is enough,
# and an idle stack does not query every second.
IDLE_INTERVAL_S = 60.0


def _deliver_every(settings: Any) -> float:
    config = load_config(settings.config_file, RouterConfig) if settings.config_file else None
    if config is None or not any(p.webhook is not None for p in config.partners):
        return max(IDLE_INTERVAL_S, float(settings.webhook_interval_s))
    return float(settings.webhook_interval_s)


def _prune_every(settings: Any) -> float:
    return float(settings.prune_interval_s)


CHORES = (
    Chore("posting partners' webhooks", _deliver_every, _deliver),
    Chore("pruning finished webhook deliveries", _prune_every, _prune),
)


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
