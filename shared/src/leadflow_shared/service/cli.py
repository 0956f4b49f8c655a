"""The command line every service has: ``leadflow-<service> api | consumer | migrate |
redrive``, and the commands the service adds (score: ``replay``, ``promote``)."""

from __future__ import annotations

import asyncio
import re
import signal
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import typer
import uvloop

from leadflow_shared.config import ConfigError
from leadflow_shared.db import Database
from leadflow_shared.logging import configure_logging, get_logger
from leadflow_shared.messaging.pruning import Redriven, redrive
from leadflow_shared.migrations import ensure_role_and_schema
from leadflow_shared.service.declaration import Service, load
from leadflow_shared.service.gc_tuning import tune_gc
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


_SPAN = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime) -> datetime:
    """``--since``: a span back from ``now`` (``90s``, ``15m``, ``2h``, ``1d``) or an ISO 8601
    time (UTC unless it says otherwise). Raises ValueError saying what it takes."""
    span = _SPAN.fullmatch(text.strip())
    if span:
        return now - timedelta(**{_UNITS[span.group(2)]: int(span.group(1))})
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a span (90s, 15m, 2h, 1d) nor an ISO 8601 time "
            "(2026-12-02T10:00:00+00:00)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def redrive_report(service: str, since: datetime, done: Redriven, retention_s: float) -> str:
    """What ``redrive`` did, and what it could not reach."""
    lines = [
        f"{service}: {done.rows:,} event(s) published since {since:%Y-%m-%d %H:%M:%S %Z} wait "
        "in the outbox again; the running consumer's relay sends them once more"
    ]
    if done.kept_since is None:
        lines.append(
            "the outbox kept no published event: events are kept only with "
            "LEADFLOW_OUTBOX_RETENTION_S above 0"
            + (" (0 in this environment)" if retention_s <= 0 else "")
        )
    elif done.kept_since > since:
        lines.append(
            f"events published before {done.kept_since:%Y-%m-%d %H:%M:%S %Z} are no longer "
            "kept (LEADFLOW_OUTBOX_RETENTION_S): they cannot be sent again"
        )
    return "\n".join(lines)


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

        tune_gc()

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

    @app.command("redrive")
    def redrive_command(
        since: str = typer.Option(
            ...,
            help="a span back from now (90s, 15m, 2h, 1d) or an ISO 8601 time (UTC by default)",
        ),
    ) -> None:
        """Send again the events published since a time (kept in the outbox for
        LEADFLOW_OUTBOX_RETENTION_S): after the broker lost its data. Consumers drop what
        they handled already; other readers of the topics see those events twice."""
        settings = service.settings()
        configure_logging(service.name, settings.log_level)
        try:
            when = parse_since(since, datetime.now(UTC))
        except ValueError as exc:
            typer.echo(f"error: --since: {exc}", err=True)
            raise typer.Exit(2) from exc

        async def main() -> Redriven:
            outbox = service.outbox()
            db = Database(
                settings.database_url,
                pool_size=1,
                application_name=f"{service.name}-redrive",
                outbox=outbox,
            )
            try:
                return await redrive(db, outbox, when)
            finally:
                await db.dispose()

        try:
            done = asyncio.run(main())
        except (OSError, asyncpg.PostgresError) as exc:
            typer.echo(f"error: {service.name}'s database failed: {exc!r}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(redrive_report(service.name, when, done, settings.outbox_retention_s))

    for path in service.commands:
        extra: typer.Typer = load(path)
        app.registered_commands.extend(extra.registered_commands)
    return app
