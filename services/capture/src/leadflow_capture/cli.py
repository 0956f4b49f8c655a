from __future__ import annotations

from leadflow_capture import SCHEMA, SERVICE, worker
from leadflow_capture.settings import CaptureSettings
from leadflow_shared.cli import ServiceSpec, build_cli

app = build_cli(
    ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        settings=CaptureSettings,
        app_factory="leadflow_capture.api:create_app_from_env",
        worker=worker.run,
    )
)


def main() -> None:
    app()
