from __future__ import annotations

from leadflow_score import SCHEMA, SERVICE, worker
from leadflow_score.settings import ScoreSettings
from leadflow_shared.cli import ServiceSpec, build_cli

app = build_cli(
    ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        settings=ScoreSettings,
        app_factory="leadflow_score.api:create_app_from_env",
        worker=worker.run,
    )
)


def main() -> None:
    app()
