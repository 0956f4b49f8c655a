"""``make bench``: durably accepted leads a second of capture's ``POST /v1/leads``, against a
baseline that parses and validates the same body and stores nothing.

One run, one machine, one load generator (``tests.bench.loadgen``, its own process):

1. a fresh database ``leadflow_bench`` on the local Postgres server (or the server of the
   admin URL in ``LEADFLOW_BENCH_DATABASE_URL``), migrated by ``leadflow-capture migrate``;
2. the baseline and each capture variant under uvicorn with the same worker count, each on
   a free loopback port; a short warm-up each;
3. maximum throughput: closed loop at each of ``--connections`` (keep-alive connections,
   64 and 256 by default), ``--rounds`` times, the targets interleaved in a rotating order
   so that noise hits them alike. A target's maximum is its best median: the baseline is
   CPU-bound from 64 connections on, while group commit needs concurrent requests to fill
   its transactions;
4. latency: open loop at half of each capture variant's maximum, capture and baseline
   alike, percentiles measured from when each request fell due;
5. durability: the leads stored (and their outbox events) equal the 202 answers given;
6. a markdown report in ``.local/bench/capture.md``, printed too; everything started is
   stopped by its PID.

    uv run --frozen python -m tests.bench.run [--workers N] [--rounds 3] [--duration 5]

``--workers`` defaults to the number of CPUs; ``--help`` lists the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from leadflow_local.postgres import (
    admin_server,
    create_database,
    drop_database,
    plain_dsn,
    service_url,
    with_database,
)
from tests.bench.procs import Stat, descendants, others_share, process_table
from tests.bench.report import NOISY, Results, Run, Stored, busy_share, publish_report, report
from tests.infra import free_port

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".local" / "bench"
DATABASE = "leadflow_bench"
BIN = Path(sys.executable).parent
T0 = time.monotonic()


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass(kw_only=True)
class Target(Results):
    command: list[str]
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    sent: int = 0  # requests sent so far: keeps every email unique

    @property
    def tag(self) -> str:
        return self.name.replace("-", "")


def targets(args: argparse.Namespace, database_url: str) -> list[Target]:
    workers = str(args.workers)
    capture_env = {
        "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_CONFIG_FILE": str(ROOT / "deploy" / "examples" / "leadflow.yaml"),
        "LEADFLOW_IP_HASH_SALT": "bench-salt-0123456789abcdef",
        "LEADFLOW_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # not needed to accept
        "LEADFLOW_HTTP_HOST": "127.0.0.1",
        "LEADFLOW_LOG_LEVEL": "WARNING",
    }
    uvicorn = [str(BIN / "uvicorn"), "--factory", "--host", "127.0.0.1", "--workers", workers]
    # As `leadflow-capture api` runs it: no access log, no proxy-headers rewriting.
    quiet = ["--no-access-log", "--no-proxy-headers", "--log-level", "warning"]
    known = {
        "baseline": Target(
            name="baseline",
            description="FastAPI, same JSON parsing and LeadIn validation, answers 202, "
            "stores nothing",
            command=[*uvicorn, *quiet, "tests.bench.baseline_app:create_app"],
            env={},
            durable=False,
        ),
        "capture": Target(
            name="capture",
            description=f"`leadflow-capture api` as shipped: group commit (at most "
            f"{args.batch_max} leads a transaction, {args.batch_flushes} transaction(s) at a "
            "time)",
            command=[str(BIN / "leadflow-capture"), "api", "--workers", workers],
            env={
                **capture_env,
                "LEADFLOW_COMMIT_BATCH_MAX": str(args.batch_max),
                "LEADFLOW_COMMIT_BATCH_WAIT_MS": str(args.batch_wait_ms),
                "LEADFLOW_COMMIT_FLUSHES": str(args.batch_flushes),
            },
            durable=True,
        ),
        "capture-unbatched": Target(
            name="capture-unbatched",
            description="the same, one transaction per request (LEADFLOW_COMMIT_BATCH_MAX=1)",
            command=[str(BIN / "leadflow-capture"), "api", "--workers", workers],
            env={**capture_env, "LEADFLOW_COMMIT_BATCH_MAX": "1"},
            durable=True,
        ),
    }
    chosen = [known[name] for name in args.targets.split(",")]
    if chosen[0].name != "baseline" or not any(t.durable for t in chosen):
        raise SystemExit("--targets: baseline first, then at least one capture variant")
    return chosen


# --- infrastructure -------------------------------------------------------------------


def postgres_server() -> AbstractContextManager[str]:
    """An admin URL of the server the bench database is created on."""
    return admin_server(
        os.environ.get("LEADFLOW_BENCH_DATABASE_URL"), ROOT / ".local" / "bench-pgdata"
    )


def migrate(admin_url: str, database_url: str) -> None:
    env = {
        **os.environ,
        "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_ADMIN_DATABASE_URL": admin_url,
        "LEADFLOW_IP_HASH_SALT": "bench-salt-0123456789abcdef",
        "LEADFLOW_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [str(BIN / "leadflow-capture"), "migrate"], env=env, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"migrate failed:\n{done.stderr.decode(errors='replace')}")


def start(target: Target, logs: Path) -> None:
    env = {**os.environ, **target.env, "LEADFLOW_HTTP_PORT": str(target.port)}
    command = list(target.command)
    if "--factory" in command:  # plain uvicorn takes the port as an option
        command[1:1] = ["--port", str(target.port)]
    with open(logs / f"{target.name}.log", "wb") as log:
        target.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_healthy(target: Target, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    url = f"http://127.0.0.1:{target.port}/healthz"
    if target.name == "baseline":
        url = f"http://127.0.0.1:{target.port}/openapi.json"
    while time.monotonic() < deadline:
        assert target.process is not None
        if target.process.poll() is not None:
            raise SystemExit(f"{target.name} exited; see .local/bench/logs/{target.name}.log")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{target.name} did not answer on {url}")


def stop(target: Target, timeout_s: float = 15) -> None:
    """SIGTERM to the process started (uvicorn stops its workers), SIGKILL if it lingers."""
    process, target.process = target.process, None
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only what it started
        process.wait()


# --- load -----------------------------------------------------------------------------


def foreign_cpu(before: dict[int, Stat], seconds: float) -> float:
    """The share of the machine's CPUs that processes other than this bench (and Postgres)
    used since ``before``: noise from whatever else runs on the machine."""
    after = process_table()
    ours = descendants({os.getpid()}, after)
    ours |= {pid for pid, stat in after.items() if stat.name == "postgres"}
    return others_share(before, after, ours, seconds)


def commits(admin_url: str) -> int:
    """Transactions committed in the bench database so far (leads per commit = batch size)."""

    async def fetch() -> int:
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            return int(
                await conn.fetchval(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                )
            )
        finally:
            await conn.close()

    return asyncio.run(fetch())


def load(
    target: Target, args: argparse.Namespace, mode: str, admin_url: str, **options: Any
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "tests.bench.loadgen",
        f"--port={target.port}",
        f"--mode={mode}",
        f"--tag={target.tag}",
        f"--first={target.sent}",
    ]
    command += [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    committed = commits(admin_url)
    before, began = process_table(), time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    other = foreign_cpu(before, time.monotonic() - began)
    time.sleep(0.5)  # the statistics collector reports a moment late
    committed = commits(admin_url) - committed
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stderr.decode(errors='replace')}")
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    result["other_cpu"] = round(other, 3)
    result["leads_per_commit"] = result["accepted"] / committed if committed > 0 else None
    target.sent += result["sent"]
    target.accepted += result["accepted"]
    bad = {k: v for k, v in result["statuses"].items() if k != "202"}
    if bad or result["errors"]:
        progress(f"  ! {target.name}: answers {result['statuses']}, errors {result['errors']}")
    if other > NOISY:
        progress(f"  ! other processes used {other:.0%} of the CPUs during this run")
    return result


def measure(ts: list[Target], args: argparse.Namespace, admin_url: str) -> dict[str, list[Run]]:
    """Closed-loop rounds at each connection count, then the open-loop latency runs."""
    levels: list[int] = args.connections
    for t in ts:
        progress(f"warming up {t.name} ({args.warmup:g}s)")
        load(t, args, "closed", admin_url, duration=args.warmup, connections=max(levels))
    for r in range(args.rounds):
        for c in levels:
            order = ts[r % len(ts) :] + ts[: r % len(ts)]
            for t in order:
                result = load(t, args, "closed", admin_url, duration=args.duration, connections=c)
                t.closed.setdefault(c, []).append(result)
                progress(
                    f"round {r + 1}/{args.rounds}, {c} connections, {t.name}: "
                    f"{result['throughput']:.0f} req/s (p99 {result['latency_ms']['p99']} ms)"
                )
    baseline = ts[0]
    latency: dict[str, list[Run]] = {}
    for t in (t for t in ts if t.durable):
        rate = max(1, round(t.max_rate() / 2))
        latency[t.name] = []
        for each in (t, baseline):
            result = load(
                each,
                args,
                "open",
                admin_url,
                rate=rate,
                duration=args.open_duration,
                connections=max(levels),
            )
            result["target"] = each.name
            latency[t.name].append(result)
            lat = result["latency_ms"]
            progress(
                f"open loop at {rate}/s {each.name}: p50 {lat['p50']} p95 {lat['p95']} "
                f"p99 {lat['p99']} ms"
            )
    return latency


async def stored(admin_url: str) -> Stored:
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        rows = await conn.fetch(
            "SELECT split_part(submission->>'email', '-', 2) AS tag, count(*) AS n "
            "FROM capture.leads GROUP BY 1"
        )
        events = await conn.fetchval("SELECT count(*) FROM capture.outbox")
        settings = await conn.fetch(
            "SELECT name, setting FROM pg_settings "
            "WHERE name IN ('server_version', 'synchronous_commit', 'fsync')"
        )
    finally:
        await conn.close()
    return Stored(
        leads={r["tag"]: int(r["n"]) for r in rows},
        events=int(events),
        settings={r["name"]: r["setting"] for r in settings},
    )


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="capture vs a parse-only baseline")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers, every target"
    )
    p.add_argument(
        "--connections",
        type=lambda v: sorted({int(c) for c in v.split(",")}),
        default=[64, 256],
        help="closed-loop connection counts, comma-separated (default 64,256); a target's "
        "maximum is its best",
    )
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per closed-loop run")
    p.add_argument("--open-duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--targets", default="baseline,capture,capture-unbatched")
    p.add_argument("--batch-max", type=int, default=100)
    p.add_argument("--batch-wait-ms", type=float, default=0.0)
    p.add_argument("--batch-flushes", type=int, default=1)
    p.add_argument("--keep-db", action="store_true", help="leave leadflow_bench in place")
    p.add_argument("--report", type=Path, default=OUT / "capture.md")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        server = stack.enter_context(postgres_server())
        background = busy_share()
        progress(f"CPU busy before starting: {background:.0%} (other processes)")
        if background > 0.15:
            progress("  ! the machine is busy: the numbers will be noisy; rerun when it is idle")
        progress(f"fresh database {DATABASE}")
        drop_database(server, DATABASE)
        create_database(server, DATABASE, exist_ok=False)
        admin_url = with_database(server, DATABASE)
        if not args.keep_db:
            stack.callback(drop_database, server, DATABASE)
        database_url = service_url(admin_url, "capture")
        migrate(admin_url, database_url)
        ts = targets(args, database_url)
        for t in ts:
            stack.callback(stop, t)
            start(t, logs)
        for t in ts:
            wait_healthy(t)
            progress(f"{t.name} up on 127.0.0.1:{t.port} (pid {t.process and t.process.pid})")
        latency = measure(ts, args, admin_url)
        for t in ts:
            stop(t)
        text, ok = report(
            ts,
            latency,
            asyncio.run(stored(admin_url)),
            workers=args.workers,
            rounds=args.rounds,
            duration=args.duration,
            open_duration=args.open_duration,
            tags={t.name: t.tag for t in ts},
        )
    publish_report(args.report, text)
    progress(f"report written to {args.report}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
