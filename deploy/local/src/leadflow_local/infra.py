"""The broker and the database server for ``leadflow-local run``: reuse or start them.

Kafka: the bootstrap servers given (``LEADFLOW_KAFKA_BOOTSTRAP_SERVERS``), or a Tansu broker
on a loopback port. Postgres: the admin URL given (``LEADFLOW_ADMIN_DATABASE_URL``), the
server on 127.0.0.1:5432, or an embedded server with its data under the state folder.
Whatever is started here is registered on the ``ExitStack`` that stops it.
"""

from __future__ import annotations

import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import asyncpg
from sqlalchemy.engine import make_url

from leadflow_local import postgres
from leadflow_local.broker import TansuBroker, port_open
from leadflow_local.postgres import EmbeddedPostgres, local_admin_url
from leadflow_local.processes import Child

PostgresChoice = Literal["embedded", "local"]


class SetupError(RuntimeError):
    """Something the user can fix (a port in use, no server); printed without a traceback."""


@dataclass(frozen=True)
class Kafka:
    bootstrap_servers: str
    description: str
    broker: Child | None = None  # the broker this run started


@dataclass(frozen=True)
class Postgres:
    admin_url: str  # admin URL of the server (any database on it)
    description: str
    pid: int | None = None


def start_kafka(stack: ExitStack, *, bootstrap: str | None, port: int, log_dir: Path) -> Kafka:
    if bootstrap:
        return Kafka(bootstrap, f"{bootstrap} (given, nothing started)")
    if port_open("127.0.0.1", port):
        raise SetupError(
            f"port {port} on 127.0.0.1 is already in use: stop what listens there, "
            "or choose another port with --kafka-port (or point at a running broker "
            "with LEADFLOW_KAFKA_BOOTSTRAP_SERVERS)"
        )
    broker = start_tansu(stack, port=port, log_dir=log_dir)
    return Kafka(
        f"127.0.0.1:{port}",
        f"127.0.0.1:{port} (Tansu, in memory: topics are gone when it stops)",
        broker,
    )


def start_tansu(stack: ExitStack, *, port: int, log_dir: Path, again: bool = False) -> Child:
    """A Tansu broker on ``port``, stopped with ``stack``; ``again``: a restart, its output
    appended to the log of the one before."""
    broker = TansuBroker(port=port)
    log_dir.mkdir(parents=True, exist_ok=True)
    log = stack.enter_context(open(log_dir / "tansu.log", "ab" if again else "wb"))  # noqa: SIM115
    stack.callback(broker.stop)
    try:
        # In its own session: the launcher stops it after the services have stopped.
        broker.start(log=log, new_session=True)
    except (RuntimeError, TimeoutError) as exc:
        raise SetupError(str(exc)) from exc
    assert broker.process is not None
    return Child("tansu", broker.process, log_dir / "tansu.log")


def start_postgres(
    stack: ExitStack, *, admin_url: str | None, choice: PostgresChoice, data_dir: Path
) -> Postgres:
    if admin_url:
        return Postgres(admin_url, f"{_display(admin_url)} (given)")
    if choice == "local":
        local = local_admin_url()
        if local is None:
            raise SetupError(
                "nothing listens on 127.0.0.1:5432: start Postgres there, or use the "
                "embedded server (--postgres embedded)"
            )
        return Postgres(local, f"{_display(local)} (local server)")
    embedded = EmbeddedPostgres(data_dir)
    stack.callback(embedded.stop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pgserver's notes about XDG_RUNTIME_DIR and the like
        url = embedded.start()
    return Postgres(url, f"embedded, data in {data_dir}", _postmaster_pid(data_dir))


def create_database(admin_url: str, name: str) -> str:
    """Create ``name`` when missing; returns its admin URL."""
    try:
        postgres.create_database(admin_url, name)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SetupError(f"cannot create database {name} on {_display(admin_url)}: {exc}") from exc
    return postgres.with_database(admin_url, name)


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _display(url: str) -> str:
    """The URL with its password masked."""
    return make_url(url).render_as_string(hide_password=True)
