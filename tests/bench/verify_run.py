"""One run of a stage benchmark (verify's; score's too): a fresh broker and database,
``leadflow-<service> migrate``, the stage's input events published, then
``leadflow-<service> consumer`` started and timed until every lead's outcome has been read
back from Kafka."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from leadflow_local.infra import PostgresChoice, create_database, start_kafka, start_postgres
from leadflow_local.postgres import drop_database, service_url
from leadflow_local.processes import Child, log_tail, service_command, spawn, stop_children
from leadflow_local.readiness import http_ready
from leadflow_shared.events import Envelope, Topics
from tests.bench.pipeline_run import OutcomeReader, Progress
from tests.bench.sampling import Sampler, stack_processes
from tests.bench.verify_input import EXAMPLE_CONFIG, publish
from tests.dns_server import Zone
from tests.infra import ROOT, free_port

OUTCOME_TOPICS = (Topics.VERIFIED, Topics.REJECTED)
SESSION_TIMEOUT_MS = 6000  # as `make run`: a consumer's first join to Tansu takes about half
POLL_S = 0.02
SETTLE_S = 1.0  # after the last outcome, for a duplicate to show


def fresh_state(folder: Path) -> Path:
    """A stage benchmark's state folder, emptied; returns its absolute path."""
    state = folder.resolve()
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    return state


@dataclass(frozen=True)
class BenchPostgres:
    admin_url: str
    pid: int | None  # the postmaster's, when it runs on this machine (its CPU is measured)
    description: str  # which Postgres, for the report


def bench_postgres(
    stack: ExitStack,
    choice: PostgresChoice,
    admin_url: str | None,
    data_dir: Path,
    progress: Progress,
) -> BenchPostgres:
    """The Postgres server of a stage benchmark (``--postgres``, ``--admin-url``), stopped
    with ``stack`` when the benchmark started it."""
    progress.say(f"starting Postgres ({'given' if admin_url else choice})")
    pg = start_postgres(stack, admin_url=admin_url, choice=choice, data_dir=data_dir)
    started = {"postgres": pg.pid} if pg.pid is not None else {}
    found, description = stack_processes(started, None if pg.pid else pg.admin_url)
    return BenchPostgres(pg.admin_url, found.get("postgres"), description)


def stage_runs(
    rounds: int,
    mode: Mode,
    *,
    service: str,
    events: Sequence[Envelope],
    input_topic: str,
    outcome_topics: Sequence[str],
    admin_url: str,
    postgres_pid: int | None,
    state_dir: Path,
    progress: Progress,
    timeout_s: float,
) -> list[RunResult]:
    """``rounds`` runs of a stage (score's, router's) alike: the same events, a fresh broker
    and database each time, in ``<state_dir>/run-<n>``."""
    return [
        Run(
            number,
            mode,
            events=events,
            admin_url=admin_url,
            postgres_pid=postgres_pid,
            zone=None,
            workdir=state_dir / f"run-{number}",
            progress=progress,
            timeout_s=timeout_s,
            service=service,
            input_topic=input_topic,
            outcome_topics=outcome_topics,
        ).execute()
        for number in range(1, rounds + 1)
    ]


class RunFailed(RuntimeError):
    """A step of a run failed; the message says which, with the end of its log."""


@dataclass(frozen=True)
class Mode:
    name: str  # verify: "offline" or "loopback"
    env: Mapping[str, str]  # the consumer's own settings (verify: LEADFLOW_DNS_*)


@dataclass(frozen=True)
class Read:
    read_at: float  # wall clock, s
    topic: str
    lead_id: str
    outcome: str  # verified, needs_review, rejected


@dataclass(frozen=True)
class RunResult:
    number: int  # 1, 2, … in the order the runs took turns
    mode: str
    leads: int  # events published
    spawned: float  # when the consumer process was started (wall clock, s)
    ready: float  # when it answered /readyz: joined its group, relay running
    reads: list[Read]  # every outcome record read, in order
    cpu_s: dict[str, float]  # from ready to the last outcome, by process
    peak_rss: dict[str, int]  # bytes, the largest process of each
    others: float  # other processes' share of the machine's CPUs meanwhile
    dns_queries: int  # the loopback DNS server's, during the run (0 without one)
    ours: frozenset[str] = field(default_factory=frozenset)  # the lead ids published


class Run:
    """``number``: which run this is; ``postgres``: the server's admin URL and, when it is
    on this machine, its postmaster's PID (its CPU is measured with the consumer's).
    ``events`` go to ``input_topic``; a lead is done once one of ``outcome_topics`` holds
    its outcome."""

    def __init__(
        self,
        number: int,
        mode: Mode,
        *,
        events: Sequence[Envelope],
        admin_url: str,
        postgres_pid: int | None,
        zone: Zone | None,
        workdir: Path,
        progress: Progress,
        timeout_s: float,
        service: str = "verify",
        input_topic: str = Topics.CAPTURED,
        outcome_topics: Sequence[str] = OUTCOME_TOPICS,
    ) -> None:
        self.number, self.mode = number, mode
        self.service, self.input_topic, self.outcome_topics = service, input_topic, outcome_topics
        self.database = f"leadflow_bench_{service}"
        self.events = events
        self.admin_url = admin_url
        self.postgres_pid = postgres_pid
        self.zone = zone
        self.workdir = workdir
        self.progress = progress
        self.timeout_s = timeout_s
        self.label = f"run {number} ({mode.name})"

    def say(self, message: str) -> None:
        self.progress.say(f"{self.label}: {message}")

    def execute(self) -> RunResult:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            kafka = start_kafka(
                stack, bootstrap=None, port=free_port(), log_dir=self.workdir / "logs"
            )
            assert kafka.broker is not None
            database_url = create_database(self.admin_url, self.database)
            stack.callback(drop_database, self.admin_url, self.database)
            env = self._env(kafka.bootstrap_servers, service_url(database_url, self.service))
            self.say(
                f"broker {kafka.bootstrap_servers}, database {self.database}; "
                f"migrating {self.service}"
            )
            self._migrate(env, database_url)
            kind = self.events[0].type if self.events else "no"
            self.say(f"publishing {len(self.events):,} {kind} events")
            asyncio.run(publish(kafka.bootstrap_servers, self.events, self.input_topic))
            reader = OutcomeReader(
                kafka.bootstrap_servers,
                self.workdir / "outcomes.txt",
                self.outcome_topics,
                with_outcome=True,
            )
            stack.callback(reader.stop)
            queries = self._queries()
            name = f"{self.service}-consumer"
            consumer = spawn(
                name,
                service_command(self.service, "consumer"),
                env,
                self.workdir / "logs" / f"{name}.log",
                cwd=ROOT,
            )
            stack.callback(stop_children, [consumer])
            pids = {name: consumer.pid, "tansu": kafka.broker.pid}
            if self.postgres_pid is not None:
                pids["postgres"] = self.postgres_pid
            return self._measure(consumer, reader, Sampler(pids), queries, env)

    def _queries(self) -> int:
        return self.zone.total() if self.zone is not None else 0

    def _env(self, bootstrap_servers: str, database_url: str) -> dict[str, str]:
        """The consumer's settings, as `make run` gives them, with this run's DNS mode;
        nothing from the caller's LEADFLOW_* variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env.update(
            LEADFLOW_DATABASE_URL=database_url,
            LEADFLOW_KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
            LEADFLOW_KAFKA_SESSION_TIMEOUT_MS=str(SESSION_TIMEOUT_MS),
            LEADFLOW_CONFIG_FILE=str(EXAMPLE_CONFIG),
            # The example configuration has a source that asks for double opt-in: verify
            # needs a key to sign its confirmation links (the bench's leads need none).
            LEADFLOW_CONFIRM_SECRET=secrets.token_hex(24),
            LEADFLOW_CONSUMER_HTTP_PORT=str(free_port()),
            PYTHONUNBUFFERED="1",
            **self.mode.env,
        )
        return env

    def _migrate(self, env: dict[str, str], admin_url: str) -> None:
        migrate = spawn(
            f"{self.service}-migrate",
            service_command(self.service, "migrate"),
            {**env, "LEADFLOW_ADMIN_DATABASE_URL": admin_url},
            self.workdir / "logs" / f"{self.service}-migrate.log",
            cwd=ROOT,
        )
        if migrate.process.wait() != 0:
            raise RunFailed(self._failed(migrate, f"leadflow-{self.service} migrate failed"))

    def _failed(self, child: Child, what: str) -> str:
        return f"{self.label}: {what} ({child.describe_exit()}); {child.log_path}:\n" + log_tail(
            child.log_path, 30
        )

    def _measure(
        self,
        consumer: Child,
        reader: OutcomeReader,
        sampler: Sampler,
        queries: int,
        env: dict[str, str],
    ) -> RunResult:
        spawned = time.time()
        self.say(f"leadflow-{self.service} consumer started; waiting until it has joined its group")
        url = f"http://127.0.0.1:{env['LEADFLOW_CONSUMER_HTTP_PORT']}/readyz"
        while not http_ready(url, timeout_s=0.5):
            if consumer.returncode is not None:
                raise RunFailed(self._failed(consumer, "the consumer ended"))
            if time.time() - spawned > 60:
                raise RunFailed(self._failed(consumer, "the consumer was not ready in 60 s"))
            time.sleep(POLL_S)
        ready = time.time()
        before, ticks0 = sampler.sample()
        self.say(f"ready after {ready - spawned:.1f} s; consuming")
        ours = {str(event.lead_id) for event in self.events}
        shown = ready
        while not ours <= reader.seen and time.time() - ready < self.timeout_s:
            if consumer.returncode is not None:
                raise RunFailed(self._failed(consumer, "the consumer ended"))
            time.sleep(POLL_S)
            reader.poll()
            if time.time() - shown >= 1.0:
                shown = time.time()
                done = len(ours & reader.seen)
                self.say(
                    f"{shown - ready:5.1f} s · outcomes {done:,} of {len(ours):,} "
                    f"({done / (shown - ready):,.0f}/s)"
                )
        after, ticks1 = sampler.sample()
        time.sleep(SETTLE_S)  # a redelivered lead would show twice
        reader.poll()
        reads = parse_reads((self.workdir / "outcomes.txt").read_text().splitlines())
        return RunResult(
            number=self.number,
            mode=self.mode.name,
            leads=len(self.events),
            spawned=spawned,
            ready=ready,
            reads=reads,
            cpu_s={name: after.cpu_s[name] - before.cpu_s[name] for name in sampler.pids},
            peak_rss={name: max(after.rss[name]) for name in sampler.pids},
            others=sampler.others(ticks0, ticks1),
            dns_queries=self._queries() - queries,
            ours=frozenset(ours),
        )


def parse_reads(lines: Sequence[str]) -> list[Read]:
    reads = []
    for line in lines:
        read_at, topic, lead_id, outcome = line.split()
        reads.append(Read(float(read_at), topic, lead_id, outcome))
    return reads
