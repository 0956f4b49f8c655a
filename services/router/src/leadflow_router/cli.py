from __future__ import annotations

from leadflow_router import SCHEMA, SERVICE, worker
from leadflow_router.settings import RouterSettings
from leadflow_shared.cli import ServiceSpec, build_cli

app = build_cli(
    ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        settings=RouterSettings,
        app_factory="leadflow_router.api:create_app_from_env",
        worker=worker.run,
    )
)


def main() -> None:
    app()
