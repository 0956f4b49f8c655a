"""The command line every service has: ``leadflow-<service> api | consumer | migrate``,
and the commands the service adds (score: ``replay``, ``promote``)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import typer
import uvloop

from leadflow_shared.config import ConfigError
from leadflow_shared.logging import configure_logging, get_logger
from leadflow_shared.migrations import ensure_role_and_schema
from leadflow_shared.service.declaration import Service, load
from leadflow_shared.settings import ServiceSettings


def uvicorn_options(settings: ServiceSettings, workers: int) -> dict[str, Any]:
    return {
        "factory": True,
        "host": settings.http_host,
        "port": settings.http_port,
        "workers": workers,
        "log_config": None,
        "access_log": False,
        # The service decides what a client's address is (capture: from X-Forwarded-For only
        # when LEADFLOW_TRUST_FORWARDED_FOR is set). uvicorn's own handling would trust any
        # X-Forwarded-For sent from 127.0.0.1 and rewrite the address before the app sees it.
        "proxy_headers": False,
    }


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


def command_line(service: Service[Any]) -> typer.Typer:
    app = typer.Typer(help=f"leadflow {service.name} service", no_args_is_help=True)

    @app.command()
    def api(workers: int = typer.Option(1, min=1, help="uvicorn worker processes")) -> None:
        """Serve the HTTP API (uvicorn)."""
        import uvicorn  # the api process's alone

        settings = service.settings()
        configure_logging(service.name, settings.log_level)
        factory = f"{service.package}.service:SERVICE.app_from_env"
        uvicorn.run(factory, **uvicorn_options(settings, workers))

    @app.command()
    def consumer() -> None:
        """Consume events and relay the outbox until SIGTERM or Ctrl-C."""
        settings = service.settings()
        configure_logging(service.name, settings.log_level)

        async def main() -> None:
            stop = asyncio.Event()
            stop_on_signals(stop)
            await service.run_consumer(settings, stop)

        # uvloop, as uvicorn uses for the API: each wake-up and socket call costs less.
        try:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(main())
        except ConfigError as exc:  # a bad configuration: say what and where, no traceback
            get_logger("consumer").error("configuration refused", error=str(exc))
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc

    @app.command()
    def migrate() -> None:
        """Create the role and schema when an admin URL is given, then upgrade to head."""
        settings = service.settings()
        configure_logging(service.name, settings.log_level)
        log = get_logger("migrate")
        if settings.admin_database_url:
            asyncio.run(
                ensure_role_and_schema(
                    settings.admin_database_url, settings.database_url, service.schema
                )
            )
        service.upgrade(settings.database_url)
        log.info("migrations applied", schema=service.schema)

    for path in service.commands:
        extra: typer.Typer = load(path)
        app.registered_commands.extend(extra.registered_commands)
    return app
