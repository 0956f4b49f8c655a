"""A partner's webhook in the configuration file, and the consumer's check of its secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from leadflow_router.config import RouterConfig
from leadflow_router.partners.domain import Partner, PartnerWebhook
from leadflow_router.settings import RouterSettings
from leadflow_router.webhooks.chores import check_webhook_secrets
from leadflow_router.webhooks.ports import Secrets
from leadflow_shared.config import ConfigError, load_config
from tests.conftest import EXAMPLE_CONFIG

DB = "postgresql+asyncpg://router@127.0.0.1/leadflow"
PARTNER = {"id": "partner-northwind", "name": "Northwind", "territories": ["AU"]}


def test_a_webhook_has_a_secret_or_names_one() -> None:
    given = Partner.model_validate(
        PARTNER | {"webhook": {"url": "https://n.example/hooks", "secret": "northwind-secret"}}
    )
    named = Partner.model_validate(
        PARTNER
        | {"webhook": {"url": "https://n.example/hooks", "secret_env": "LEADFLOW_PARTNER_N"}}
    )
    assert given.webhook is not None and given.webhook.secret is not None
    assert given.webhook.secret.get_secret_value() == "northwind-secret"
    assert "northwind-secret" not in repr(given) and "northwind-secret" not in str(given)
    assert named.webhook == PartnerWebhook(
        url="https://n.example/hooks", secret_env="LEADFLOW_PARTNER_N"
    )


@pytest.mark.parametrize(
    "webhook",
    [
        {"url": "https://n.example/hooks"},
        {"url": "https://n.example/hooks", "secret": "long-enough", "secret_env": "LEADFLOW_X"},
        {"url": "ftp://n.example/hooks", "secret": "long-enough"},
        {"url": "/hooks", "secret": "long-enough"},
        {"url": "https://n.example/hooks", "secret": "short"},
        {"url": "https://n.example/hooks", "secret_env": "lower-case"},
        {"url": "https://n.example/hooks", "secret": "long-enough", "headers": {}},
    ],
)
def test_a_webhook_that_cannot_be_used_is_refused(webhook: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Partner.model_validate(PARTNER | {"webhook": webhook})


def test_the_consumer_refuses_to_start_without_a_named_secret(tmp_path: Path) -> None:
    config = tmp_path / "leadflow.yaml"
    config.write_text(
        "partners:\n"
        "  - id: partner-northwind\n"
        "    name: Northwind\n"
        "    territories: [AU]\n"
        "    webhook: {url: 'https://n.example/hooks', secret_env: LEADFLOW_PARTNER_N_SECRET}\n"
    )
    settings = RouterSettings(database_url=DB, config_file=config)
    with pytest.raises(ConfigError, match="LEADFLOW_PARTNER_N_SECRET"):
        check_webhook_secrets(settings, Secrets({}))
    check_webhook_secrets(settings, Secrets({"LEADFLOW_PARTNER_N_SECRET": "set-elsewhere"}))


def test_the_example_configuration_starts_as_it_is() -> None:
    config = load_config(EXAMPLE_CONFIG, RouterConfig)
    assert [p.id for p in config.partners] == ["partner-northwind", "partner-globex"]
    check_webhook_secrets(RouterSettings(database_url=DB, config_file=EXAMPLE_CONFIG), Secrets({}))


def test_the_example_s_commented_webhook_is_valid_as_written() -> None:
    lines = EXAMPLE_CONFIG.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line == "  # - id: partner-northwind")
    block = []
    for line in lines[start:]:
        if not line.startswith("  # "):
            break
        block.append("  " + line[4:])
    config = RouterConfig.model_validate(yaml.safe_load("partners:\n" + "\n".join(block)))
    (northwind,) = config.partners
    assert northwind.id == "partner-northwind" and northwind.webhook is not None
    assert northwind.webhook.secret_env == "LEADFLOW_PARTNER_NORTHWIND_SECRET"


def test_health_is_not_configured() -> None:
    with pytest.raises(ValidationError, match="router's own state"):
        Partner.model_validate(PARTNER | {"healthy": False})
    assert Partner.model_validate(PARTNER).healthy
