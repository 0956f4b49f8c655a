"""How often the consumer looks for webhook deliveries: each second when a partner has a
webhook, once a minute when none has (an idle stack queries nothing every second)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from leadflow_router.webhooks.chores import CHORES, IDLE_INTERVAL_S
from tests.conftest import EXAMPLE_CONFIG

DELIVER = next(c for c in CHORES if c.name == "posting partners' webhooks")

WITH_WEBHOOK = """
partners:
  - id: partner-northwind
    name: Northwind Traders
    territories: ["AU", "NZ"]
    webhook: {url: "https://northwind.example/leads", secret: "northwind-secret-0123"}
"""


def test_without_a_webhook_the_chore_looks_once_a_minute() -> None:
    settings = SimpleNamespace(config_file=EXAMPLE_CONFIG, webhook_interval_s=1.0)
    assert DELIVER.every_s(settings) == IDLE_INTERVAL_S  # type: ignore[arg-type]


def test_with_a_webhook_it_looks_at_the_configured_interval(tmp_path: Path) -> None:
    config = tmp_path / "leadflow.yaml"
    config.write_text(WITH_WEBHOOK)
    settings = SimpleNamespace(config_file=config, webhook_interval_s=1.0)
    assert DELIVER.every_s(settings) == 1.0  # type: ignore[arg-type]
