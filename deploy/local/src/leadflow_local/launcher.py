"""``leadflow-local run``: the whole system on one machine, stopped cleanly on Ctrl-C.

    broker (Tansu, or the one given) ─┐
    Postgres (embedded, local, given) ┴─► migrate (4) ─► api (4) + consumer (4) ─► ready ─► wait

Every child runs in its own process group with its output in ``<state>/logs``. A service
process that exits is started again. On Ctrl-C or SIGTERM the services are stopped first
(SIGTERM to each group, then SIGKILL after 10 s), then the broker and the embedded Postgres
this run started.

The broker started here keeps its topics in memory. Each service keeps what it published in
its outbox for a day (``LEADFLOW_OUTBOX_RETENTION_S``), so when that broker is gone (it
crashed, or the last run stopped it) every service sends again what it had published to
it (``leadflow-<service> redrive``): a crashed broker is started again, the consumers with
it; a new run re-drives what the last run's broker had. Consumers drop what they handled
already (their inbox).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import typer

from leadflow_local import banner
from leadflow_local.broker import port_open
from leadflow_local.infra import (
    Kafka,
    PostgresChoice,
    SetupError,
    create_database,
    start_kafka,
    start_postgres,
    start_tansu,
)
from leadflow_local.postgres import SERVICES, service_url
from leadflow_local.processes import Child, log_tail, service_command, spawn, stop_children
from leadflow_local.readiness import http_ready

INTERRUPTED = 130
SMTP_PORT = 1025  # where verify sends confirmation mails unless LEADFLOW_SMTP_PORT says
# how long each service keeps its published events, to send them again to a new broker
OUTBOX_RETENTION_S = 86_400
REDRIVE_TRIES_S = 120.0  # how long a failing redrive is tried again before giving up
# a broker that exits more often than this is not started again: the stack stops
BROKER_EXITS_MAX = 3
BROKER_EXITS_WINDOW_S = 300.0


@dataclass(frozen=True)
class RunOptions:
    repo: Path
    state_dir: Path
    config_file: Path
    kafka_bootstrap: str | None
    kafka_port: int
    postgres: PostgresChoice
    admin_url: str | None
    database: str
    port_base: int
    consumer_port_base: int | None = None
    pages_port: int = 0
    session_timeout_ms: int = 6000
    ready_timeout_s: float = 90.0

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    def http_port(self, service: str) -> int:
        return self.port_base + SERVICES.index(service)

    def consumer_port(self, service: str) -> int:
        """Where a consumer process answers /readyz and /metrics (port base + 100 unless
        chosen)."""
        base = self.consumer_port_base or self.port_base + 100
        return base + SERVICES.index(service)


class StopRequested(Exception):
    """Ctrl-C or SIGTERM arrived."""


@dataclass(frozen=True)
class Restart:
    """A service process's next start (``at``, monotonic seconds) and how many times it was
    started again in a row."""

    at: float
    attempt: int


RESTART_FIRST_S = 1.0
RESTART_MAX_S = 30.0
RESTART_RESET_S = 60.0  # a process that ran this long starts its count over


class ChildExited(Exception):
    def __init__(self, child: Child) -> None:
        super().__init__(child.name)
        self.child = child


class Signals:
    """Turns SIGINT and SIGTERM into a flag the launcher checks between steps.

    A second signal a moment later makes the shutdown urgent. (One Ctrl-C can arrive twice:
    from the terminal, and forwarded by ``uv run``.)"""

    def __init__(self) -> None:
        self.received_at: float | None = None
        self.urgent = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Signals:
        # SIGHUP too: a closed terminal must stop the services, which run in their own
        # sessions and would never see the hang-up themselves.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *_: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]

    @property
    def received(self) -> bool:
        return self.received_at is not None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.received_at is None:
            self.received_at = now
        elif now - self.received_at > 1.0:
            self.urgent = True

    def check(self) -> None:
        if self.received:
            raise StopRequested


def say(message: str) -> None:
    typer.echo(message)


def run(options: RunOptions) -> int:
    """Run until Ctrl-C; returns the exit code (0 after a clean stop)."""
    with Signals() as signals:
        code = 1
        try:
            with ExitStack() as stack:
                code = _Launch(options, signals, stack).run()
        except SetupError as exc:
            typer.echo(f"✗ {exc}", err=True)
        except StopRequested:
            say("… stopping")
            code = INTERRUPTED
        except Exception:
            if not signals.received:
                raise
            code = INTERRUPTED  # a step broken by the Ctrl-C itself
        say("stopped")
        return code


class _Launch:
    def __init__(self, options: RunOptions, signals: Signals, stack: ExitStack) -> None:
        self.o = options
        self.signals = signals
        self.stack = stack
        self.children: list[Child] = []
        self.watched: list[Child] = []  # started here but stopped separately (the broker)
        self._stopping_registered = False
        # how to start each child again, when it started, and its restarts due
        self._recipes: dict[str, tuple[list[str], dict[str, str]]] = {}
        self._started: dict[str, float] = {}
        self._restarts: dict[str, Restart] = {}
        self._infra_pids: dict[str, int | None] = {}
        self._envs: dict[str, dict[str, str]] = {}
        self._broker_since: datetime | None = None  # when the running broker started
        self._broker_exits: list[float] = []  # when it exited lately (monotonic)

    @property
    def pids_file(self) -> Path:
        """What this run started, one ``<pid> <name>`` per line; removed once all stopped."""
        return self.o.state_dir / "run.pids"

    def run(self) -> int:
        o = self.o
        self._preflight()
        self.stack.callback(self.pids_file.unlink, missing_ok=True)
        kafka = start_kafka(
            self.stack, bootstrap=o.kafka_bootstrap, port=o.kafka_port, log_dir=o.log_dir
        )
        say(f"✓ broker {kafka.description}")
        last_broker_since = self._read_broker_since()
        if kafka.broker is not None:
            self.watched.append(kafka.broker)
            self._broker_since = datetime.now(UTC)
        self.signals.check()
        pg = start_postgres(
            self.stack, admin_url=o.admin_url, choice=o.postgres, data_dir=o.state_dir / "pgdata"
        )
        admin_url = create_database(pg.admin_url, o.database)
        say(f"✓ postgres {pg.description}, database {o.database}")
        self.signals.check()
        envs = {s: self._service_env(s, kafka, admin_url) for s in SERVICES}
        self._envs = envs
        try:
            self._migrate(envs, admin_url)
            say("✓ migrations (capture, verify, score, router)")
            if kafka.broker is not None:
                if last_broker_since is not None:
                    say(
                        "… the last run's broker is gone with its topics: each service sends "
                        f"again what it published since {last_broker_since:%Y-%m-%d %H:%M:%S} UTC"
                    )
                    if not self._redrive(last_broker_since):
                        self._broker_since = last_broker_since  # still owed: next run
                self._write_broker_since()
            infra_pids = {"postgres": pg.pid}
            if kafka.broker is not None:
                infra_pids["tansu"] = kafka.broker.pid
            self._start_services(envs, infra_pids)
            self._wait_until_ready()
        except ChildExited as exc:
            self._report_exit(exc.child)
            return 1
        banner.show(
            ports={s: o.http_port(s) for s in SERVICES},
            bootstrap=kafka.bootstrap_servers,
            log_dir=o.log_dir,
            pages_port=o.pages_port,
            admin_key_file=self._secret_path("admin-api-key"),
            smtp_server=(
                f"{envs['verify'].get('LEADFLOW_SMTP_HOST', '127.0.0.1')}:"
                f"{envs['verify']['LEADFLOW_SMTP_PORT']}"
            ),
        )
        return self._supervise()

    # --- steps ------------------------------------------------------------------------

    def _preflight(self) -> None:
        if not self.o.config_file.is_file():
            raise SetupError(f"config file not found: {self.o.config_file}")
        for service in SERVICES:
            for port, what, option in (
                (self.o.http_port(service), "API", "--port-base"),
                (self.o.consumer_port(service), "consumer", "--consumer-port-base"),
            ):
                if port > 65535:
                    raise SetupError(f"port {port} ({service} {what}) is beyond 65535: {option}")
                if port_open("127.0.0.1", port):
                    raise SetupError(
                        f"port {port} ({service} {what}) is already in use: stop what listens "
                        f"there, or choose other ports with {option}"
                    )
        if self.o.pages_port and port_open("127.0.0.1", self.o.pages_port):
            raise SetupError(
                f"port {self.o.pages_port} (landing page) is already in use: choose another "
                "with --pages-port, or 0 to serve no pages"
            )

    def _migrate(self, envs: dict[str, dict[str, str]], admin_url: str) -> None:
        migrations = [
            self._spawn(
                f"{s}-migrate",
                service_command(s, "migrate"),
                {**envs[s], "LEADFLOW_ADMIN_DATABASE_URL": admin_url},
            )
            for s in SERVICES
        ]
        while any(m.returncode is None for m in migrations):
            self.signals.check()
            time.sleep(0.1)
        failed = [m for m in migrations if m.returncode != 0]
        for m in failed:
            typer.echo(f"✗ {m.name} failed ({m.describe_exit()}):", err=True)
            typer.echo(log_tail(m.log_path, 60), err=True)
        if failed:
            raise SetupError(f"migrations failed; logs in {self.o.log_dir}")

    def _start_services(
        self, envs: dict[str, dict[str, str]], infra_pids: dict[str, int | None]
    ) -> None:
        self.children.clear()  # the migrations, all finished
        for service in SERVICES:
            for role in ("api", "consumer"):
                name = f"{service}-{role}"
                self._spawn(name, service_command(service, role), envs[service])
        if self.o.pages_port:
            self._spawn(
                "pages",
                [
                    sys.executable,
                    "-m",
                    "leadflow_local.pages",
                    "--port",
                    str(self.o.pages_port),
                    "--directory",
                    str(self.o.repo / "deploy" / "examples"),
                ],
                envs["capture"],
            )
        say(f"… started {len(self.children)} processes (logs in {self.o.log_dir})")
        self._infra_pids = dict(infra_pids)
        self._write_pids()
        self._write_service_settings(envs)

    def _write_pids(self) -> None:
        lines = [f"{c.pid} {c.name}" for c in self.children]
        lines += [f"{pid} {name}" for name, pid in self._infra_pids.items() if pid]
        self.pids_file.write_text("\n".join(lines) + "\n")

    @property
    def settings_file(self) -> Path:
        """Each service's LEADFLOW_* settings in this run, for ``leadflow-local service``
        (its commands beyond api and consumer); removed when the run stops."""
        return self.o.state_dir / "run-settings.json"

    def _write_service_settings(self, envs: dict[str, dict[str, str]]) -> None:
        self.stack.callback(self.settings_file.unlink, missing_ok=True)
        settings = {
            service: {k: v for k, v in env.items() if k.startswith("LEADFLOW_")}
            for service, env in envs.items()
        }
        self.settings_file.touch(mode=0o600)
        self.settings_file.chmod(0o600)  # it holds the run's secrets, as their own files do
        self.settings_file.write_text(json.dumps(settings, indent=2) + "\n")

    def _wait_until_ready(self) -> None:
        apis = {s: f"http://127.0.0.1:{self.o.http_port(s)}/readyz" for s in SERVICES}
        if self.o.pages_port:
            apis["pages"] = f"http://127.0.0.1:{self.o.pages_port}/landing-page.html"
        consumers = {
            f"{s}-consumer": f"http://127.0.0.1:{self.o.consumer_port(s)}/readyz" for s in SERVICES
        }
        say("… waiting for the APIs and for the consumers to join their groups (a few seconds)")
        deadline = time.monotonic() + self.o.ready_timeout_s
        while apis or consumers:
            self.signals.check()
            self._check_children()
            for service, url in list(apis.items()):
                if http_ready(url):
                    del apis[service]
                    say("✓ landing page served" if service == "pages" else f"✓ {service} API ready")
            for name, url in list(consumers.items()):
                if http_ready(url):
                    del consumers[name]
                    say(f"✓ {name} ready")
            if time.monotonic() > deadline:
                waiting = [f"{s}-api" for s in apis] + list(consumers)
                for name in waiting:
                    log = self.o.log_dir / f"{name}.log"
                    typer.echo(f"--- {log} (last lines)\n{log_tail(log) or '(empty)'}", err=True)
                raise SetupError(
                    f"not ready after {self.o.ready_timeout_s:.0f} s: {', '.join(waiting)}"
                )
            time.sleep(0.2)

    @property
    def broker_since_file(self) -> Path:
        """When the broker this run started began (ISO 8601, UTC): the next run (or this
        one, when the broker crashes) re-drives what every service published since then."""
        return self.o.state_dir / "broker-since"

    def _read_broker_since(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.broker_since_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _write_broker_since(self) -> None:
        if self._broker_since is not None:
            self.broker_since_file.write_text(self._broker_since.isoformat() + "\n")

    def _redrive(self, since: datetime) -> bool:
        """``leadflow-<service> redrive --since`` for every service, side by side (what each
        printed goes to the terminal); a service whose redrive fails (its database
        restarting, say) is tried again every 2 s for up to ``REDRIVE_TRIES_S``. Returns
        whether every service re-drove."""
        waiting = list(SERVICES)
        deadline = time.monotonic() + REDRIVE_TRIES_S
        while True:
            children = [
                spawn(
                    f"{service}-redrive",
                    service_command(service, "redrive", "--since", since.isoformat()),
                    self._envs[service],
                    self.o.log_dir / f"{service}-redrive.log",  # this attempt's alone
                    cwd=self.o.repo,
                )
                for service in waiting
            ]
            failed = []
            for service, child in zip(waiting, children, strict=True):
                code = child.process.wait()
                said = log_tail(child.log_path, 3).strip().splitlines()
                if code == 0:
                    say(f"✓ {said[0] if said else child.name}")
                else:
                    failed.append(service)
                    last = said[-1] if said else ""
                    typer.echo(f"! {child.name} failed ({child.describe_exit()}): {last}", err=True)
            waiting = failed
            if not waiting:
                return True
            if time.monotonic() > deadline:
                typer.echo(
                    f"✗ could not re-drive {', '.join(waiting)}: run `leadflow-<service> "
                    f"redrive --since {since.isoformat()}` once the database answers (the next "
                    "`make run` tries again)",
                    err=True,
                )
                return False
            time.sleep(2)

    def _restart_broker(self, broker: Child) -> None:
        now = time.monotonic()
        self._broker_exits = [t for t in self._broker_exits if now - t < BROKER_EXITS_WINDOW_S]
        self._broker_exits.append(now)
        if len(self._broker_exits) > BROKER_EXITS_MAX:  # something is wrong with it: stop
            raise ChildExited(broker)
        self._start_broker_again(broker)

    def _start_broker_again(self, broker: Child) -> None:
        """The broker exited: its topics are gone. Stop the consumers, start a new broker on
        the same port, re-drive what every service published to the old one, then start the
        consumers again (they create their topics and join their groups anew)."""
        since = self._broker_since or datetime.now(UTC)
        typer.echo(
            f"✗ the broker exited unexpectedly ({broker.describe_exit()}); its topics went "
            f"with it: starting a new one, then each service sends again what it published "
            f"since {since:%H:%M:%S} UTC",
            err=True,
        )
        consumers = [c for c in self.children if c.name.endswith("-consumer")]
        stop_children(consumers)
        for child in consumers:
            self.children.remove(child)
        self.watched.remove(broker)
        new = start_tansu(self.stack, port=self.o.kafka_port, log_dir=self.o.log_dir, again=True)
        started = datetime.now(UTC)
        self.watched.append(new)
        self._infra_pids["tansu"] = new.pid
        say(f"✓ broker started again (pid {new.pid})")
        if self._redrive(since):
            self._broker_since = started
            self._write_broker_since()
        else:  # what the lost broker had is still owed: the next try reaches back to it
            self._broker_since = since
        for child in consumers:
            argv, env = self._recipes[child.name]
            self._spawn(child.name, argv, env, again=True)
        self._write_pids()
        say(f"✓ consumers started again ({', '.join(c.name for c in consumers)})")

    def _supervise(self) -> int:
        """Until Ctrl-C: a service process that exits is started again (after 1 s, then
        twice as long each time, up to 30 s; the count starts over once it has run a
        minute); a broker this run started that exits is started again, its topics
        re-driven from the outboxes."""
        try:
            while True:
                self.signals.check()
                self._tend_children()
                time.sleep(0.2)
        except StopRequested:
            say("… stopping (Ctrl-C again to stop at once)")
            return 0
        except ChildExited as exc:
            self._report_exit(exc.child)
            return 1

    # --- helpers ----------------------------------------------------------------------

    def _spawn(
        self, name: str, argv: list[str], env: dict[str, str], *, again: bool = False
    ) -> Child:
        if not self._stopping_registered:  # stopped before the broker and Postgres
            self.stack.callback(self._stop_children)
            self._stopping_registered = True
        log = self.o.log_dir / f"{name}.log"
        child = spawn(name, argv, env, log, cwd=self.o.repo, append=again)
        self.children.append(child)
        self._recipes[name] = (argv, env)
        self._started[name] = time.monotonic()
        return child

    def _tend_children(self) -> None:
        """Restart the service processes that exited, when their time comes, and the
        broker at once."""
        for child in list(self.watched):
            if child.returncode is not None:
                if child.name != "tansu":
                    raise ChildExited(child)
                self._restart_broker(child)
        now = time.monotonic()
        for child in [c for c in self.children if c.returncode is not None]:
            self.children.remove(child)
            before = self._restarts.get(child.name)
            ran_s = now - self._started.get(child.name, now)
            attempt = 1 if before is None or ran_s >= RESTART_RESET_S else before.attempt + 1
            delay = min(RESTART_MAX_S, RESTART_FIRST_S * 2 ** (attempt - 1))
            self._restarts[child.name] = Restart(now + delay, attempt)
            typer.echo(
                f"✗ {child.name} exited unexpectedly ({child.describe_exit()}); restarting it "
                f"in {delay:g} s (restart {attempt}; log {child.log_path})",
                err=True,
            )
        for name, due in list(self._restarts.items()):
            if due.at <= now and all(c.name != name for c in self.children):
                argv, env = self._recipes[name]
                child = self._spawn(name, argv, env, again=True)
                self._restarts[name] = Restart(float("inf"), due.attempt)
                self._write_pids()
                say(f"✓ {name} restarted (pid {child.pid})")

    def _stop_children(self) -> None:
        killed = stop_children(self.children, hurry=lambda: self.signals.urgent)
        for child in killed:
            typer.echo(f"! {child.name} did not stop in time and was killed", err=True)

    def _check_children(self) -> None:
        for child in [*self.children, *self.watched]:
            if child.returncode is not None:
                raise ChildExited(child)

    def _report_exit(self, child: Child) -> None:
        typer.echo(
            f"✗ {child.name} exited unexpectedly ({child.describe_exit()}); "
            f"last lines of {child.log_path}:\n{log_tail(child.log_path)}",
            err=True,
        )
        typer.echo("… stopping everything", err=True)

    def _service_env(self, service: str, kafka: Kafka, admin_url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "LEADFLOW_ADMIN_DATABASE_URL"}
        env.setdefault("LEADFLOW_IP_HASH_SALT", self._secret("ip-hash-salt"))
        env.setdefault("LEADFLOW_ADMIN_API_KEY", self._secret("admin-api-key"))
        env.setdefault("LEADFLOW_CONFIRM_SECRET", self._secret("confirm-secret"))
        # confirmation mails (double opt-in) wait for an SMTP server here; see the banner
        env.setdefault("LEADFLOW_SMTP_PORT", str(SMTP_PORT))
        env.setdefault("LEADFLOW_KAFKA_SESSION_TIMEOUT_MS", str(self.o.session_timeout_ms))
        if kafka.broker is not None:  # an in-memory broker: keep what was sent to it
            env.setdefault("LEADFLOW_OUTBOX_RETENTION_S", str(OUTBOX_RETENTION_S))
        # score's rules: made live on a database with none live yet (see the README)
        env.setdefault(
            "LEADFLOW_SCORE_RULES_FILE",
            str(self.o.repo / "deploy" / "examples" / "score-rules.yaml"),
        )
        env.update(
            LEADFLOW_DATABASE_URL=service_url(admin_url, service),
            LEADFLOW_KAFKA_BOOTSTRAP_SERVERS=kafka.bootstrap_servers,
            LEADFLOW_CONFIG_FILE=str(self.o.config_file),
            LEADFLOW_HTTP_PORT=str(self.o.http_port(service)),
            LEADFLOW_CONSUMER_HTTP_PORT=str(self.o.consumer_port(service)),
            PYTHONUNBUFFERED="1",
        )
        return env

    def _secret_path(self, name: str) -> Path:
        return self.o.state_dir / name

    def _secret(self, name: str) -> str:
        """A random secret kept in the state folder (the IP hash salt, the admin API key,
        the confirmation links' key), so that it stays the same across runs."""
        path = self._secret_path(name)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(24) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()
