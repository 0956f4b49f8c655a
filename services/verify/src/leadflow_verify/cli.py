from __future__ import annotations

from leadflow_shared.cli import ServiceSpec, build_cli
from leadflow_verify import SCHEMA, SERVICE, worker
from leadflow_verify.settings import VerifySettings

app = build_cli(
    ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        settings=VerifySettings,
        app_factory="leadflow_verify.api:create_app_from_env",
        worker=worker.run,
    )
)


def main() -> None:
    app()
