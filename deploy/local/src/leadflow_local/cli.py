"""``leadflow-local``: run the whole system on one machine, and read its topics."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from leadflow_local import launcher
from leadflow_local.infra import PostgresChoice
from leadflow_local.processes import service_command
from leadflow_local.tail import tail as tail_topic

app = typer.Typer(
    help="Run leadflow on one machine without Docker, and read its Kafka topics.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def run(
    config: Annotated[
        Path | None,
        typer.Option(
            envvar="LEADFLOW_CONFIG_FILE",
            help="sources, reps and partners [default: deploy/examples/leadflow.yaml]",
        ),
    ] = None,
    kafka_bootstrap: Annotated[
        str | None,
        typer.Option(
            envvar="LEADFLOW_KAFKA_BOOTSTRAP_SERVERS",
            help="use this running broker instead of starting Tansu",
        ),
    ] = None,
    kafka_port: Annotated[
        int, typer.Option(min=1, max=65535, help="port of the Tansu broker started here")
    ] = 9092,
    postgres: Annotated[
        PostgresChoice,
        typer.Option(
            help="embedded: a server with its data in .local/pgdata; "
            "local: the server on 127.0.0.1:5432"
        ),
    ] = "embedded",
    admin_url: Annotated[
        str | None,
        typer.Option(
            envvar="LEADFLOW_ADMIN_DATABASE_URL",
            help="admin URL of a Postgres server to use (overrides --postgres)",
        ),
    ] = None,
    database: Annotated[str, typer.Option(help="database to create and use")] = "leadflow",
    port_base: Annotated[
        int,
        typer.Option(
            min=1, max=65532, help="HTTP port of capture; verify, score, router take the next"
        ),
    ] = 8000,
    consumer_port_base: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65532,
            help="port of capture's consumer process (/readyz, /metrics); the others take "
            "the next [default: port base + 100]",
        ),
    ] = None,
    pages_port: Annotated[
        int,
        typer.Option(
            min=0, max=65535, help="port serving deploy/examples (the landing page); 0: none"
        ),
    ] = 8080,
    state_dir: Annotated[
        Path | None,
        typer.Option(help="logs, embedded Postgres data, IP hash salt [default: .local]"),
    ] = None,
    ready_timeout: Annotated[
        float, typer.Option(min=1, help="seconds to wait for every service to be ready")
    ] = 90.0,
) -> None:
    """Start a broker, Postgres and the four services; stop them all on Ctrl-C.

    Run it from the repository root. Exits with 0 after Ctrl-C, 1 when something failed,
    and 130 when interrupted before everything was ready.
    """
    repo = Path.cwd()
    options = launcher.RunOptions(
        repo=repo,
        state_dir=(state_dir or repo / ".local").resolve(),
        config_file=(config or repo / "deploy" / "examples" / "leadflow.yaml").resolve(),
        kafka_bootstrap=kafka_bootstrap or None,
        kafka_port=kafka_port,
        postgres=postgres,
        admin_url=admin_url or None,
        database=database,
        port_base=port_base,
        consumer_port_base=consumer_port_base,
        pages_port=pages_port,
        ready_timeout_s=ready_timeout,
    )
    raise typer.Exit(launcher.run(options))


@app.command()
def tail(
    topic: Annotated[str, typer.Argument(help="e.g. leads.routed.v1")],
    from_beginning: Annotated[
        bool, typer.Option(help="start at the oldest record, or only show new ones")
    ] = True,
    follow: Annotated[
        bool, typer.Option(help="keep waiting for new records, or stop at the current end")
    ] = True,
    bootstrap_servers: Annotated[
        str, typer.Option(envvar="LEADFLOW_KAFKA_BOOTSTRAP_SERVERS")
    ] = "127.0.0.1:9092",
) -> None:
    """Print a topic's records as JSON lines (value, key, partition, offset)."""
    try:
        asyncio.run(
            tail_topic(bootstrap_servers, topic, from_beginning=from_beginning, follow=follow)
        )
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # the reader (e.g. `head`) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


SERVICE_NAMES = ("capture", "verify", "score", "router")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def service(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="capture, verify, score or router")],
    state_dir: Annotated[
        Path | None, typer.Option(help="the running stack's state folder [default: .local]")
    ] = None,
) -> None:
    """Run one of a service's commands against the running `make run` stack, with the
    settings that service runs with there: `leadflow-local service score replay --rules
    my-rules.yaml`, `leadflow-local service score promote VERSION`."""
    if name not in SERVICE_NAMES:
        raise typer.BadParameter(f"not a service: {name!r}", param_hint="NAME")
    settings_file = (state_dir or Path.cwd() / ".local") / "run-settings.json"
    try:
        settings = json.loads(settings_file.read_text())[name]
    except FileNotFoundError:
        typer.echo(
            f"error: no running stack ({settings_file} is missing): start `make run` first, "
            "or run leadflow-" + name + " with its LEADFLOW_* settings yourself",
            err=True,
        )
        raise typer.Exit(2) from None
    env = {**os.environ, **settings}
    completed = subprocess.run(service_command(name, *ctx.args), env=env, check=False)
    raise typer.Exit(completed.returncode)


def main() -> None:
    app()
