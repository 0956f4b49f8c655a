"""``make bench``: durably accepted leads a second of capture's ``POST /v1/leads``, against a
baseline that parses and validates the same body and stores nothing.

One run, one machine, one load generator (``tests.bench.loadgen``, its own process):

1. a fresh database ``leadflow_bench`` on the local Postgres server (or the server of the
   admin URL in ``LEADFLOW_BENCH_DATABASE_URL``), migrated by ``leadflow-capture migrate``;
2. the baseline and each capture variant under uvicorn with the same worker count, each on
   a free loopback port; a short warm-up each;
3. maximum throughput: closed loop with N keep-alive connections, ``--rounds`` times,
   the targets interleaved in a rotating order so that noise hits them alike; medians;
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
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from leadflow_local.broker import free_port
from leadflow_local.postgres import (
    admin_server,
    create_database,
    drop_database,
    plain_dsn,
    service_url,
    with_database,
)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".local" / "bench"
DATABASE = "leadflow_bench"
BIN = Path(sys.executable).parent
T0 = time.monotonic()
NOISY = 0.10  # other processes' share of the CPUs above which a run is flagged


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass
class Target:
    name: str
    description: str
    command: list[str]
    env: dict[str, str]
    durable: bool  # stores what it accepts: its 202s are checked against the database
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    sent: int = 0  # requests sent so far: keeps every email unique
    accepted: int = 0  # 202 answers so far
    max_runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return self.name.replace("-", "")

    def max_rate(self) -> float:
        return statistics.median(r["throughput"] for r in self.max_runs)


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
            "baseline",
            "FastAPI, same JSON parsing and LeadIn validation, answers 202, stores nothing",
            [*uvicorn, *quiet, "tests.bench.baseline_app:create_app"],
            {},
            durable=False,
        ),
        "capture": Target(
            "capture",
            f"`leadflow-capture api` as shipped: group commit (at most {args.batch_max} leads "
            f"a transaction, {args.batch_flushes} transaction(s) at a time)",
            [str(BIN / "leadflow-capture"), "api", "--workers", workers],
            {
                **capture_env,
                "LEADFLOW_COMMIT_BATCH_MAX": str(args.batch_max),
                "LEADFLOW_COMMIT_BATCH_WAIT_MS": str(args.batch_wait_ms),
                "LEADFLOW_COMMIT_FLUSHES": str(args.batch_flushes),
            },
            durable=True,
        ),
        "capture-unbatched": Target(
            "capture-unbatched",
            "the same, one transaction per request (LEADFLOW_COMMIT_BATCH_MAX=1)",
            [str(BIN / "leadflow-capture"), "api", "--workers", workers],
            {**capture_env, "LEADFLOW_COMMIT_BATCH_MAX": "1"},
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


def process_cpu() -> dict[int, tuple[str, int, int]]:
    """Every process: pid -> (name, parent pid, CPU ticks used so far)."""
    found: dict[int, tuple[str, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        found[int(entry.name)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def foreign_cpu(before: dict[int, tuple[str, int, int]], seconds: float) -> float:
    """The share of the machine's CPUs that processes other than this bench (and Postgres)
    used since ``before``: noise from whatever else runs on the machine."""
    after = process_cpu()
    ours = {os.getpid()}
    grew = True
    while grew:
        kids = {pid for pid, (_, parent, _) in after.items() if parent in ours} - ours
        grew = bool(kids)
        ours |= kids
    ticks = sum(
        used - (before[pid][2] if pid in before else 0)
        for pid, (name, _, used) in after.items()
        if pid not in ours and name != "postgres"
    )
    capacity = seconds * os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)
    return max(0.0, ticks / capacity)


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
    options.setdefault("connections", args.connections)
    command += [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    committed = commits(admin_url)
    before, began = process_cpu(), time.monotonic()
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


def measure(
    ts: list[Target], args: argparse.Namespace, admin_url: str
) -> dict[str, list[dict[str, Any]]]:
    for t in ts:
        progress(f"warming up {t.name} ({args.warmup:g}s)")
        load(t, args, "closed", admin_url, duration=args.warmup)
    for r in range(args.rounds):
        order = ts[r % len(ts) :] + ts[: r % len(ts)]
        for t in order:
            result = load(t, args, "closed", admin_url, duration=args.duration)
            t.max_runs.append(result)
            progress(
                f"round {r + 1}/{args.rounds} {t.name}: {result['throughput']:.0f} req/s "
                f"(p99 {result['latency_ms']['p99']} ms at {args.connections} connections)"
            )
    baseline = ts[0]
    latency: dict[str, list[dict[str, Any]]] = {}
    for t in (t for t in ts if t.durable):
        rate = max(1, round(t.max_rate() / 2))
        latency[t.name] = []
        for each in (t, baseline):
            result = load(each, args, "open", admin_url, rate=rate, duration=args.open_duration)
            result["target"] = each.name
            latency[t.name].append(result)
            lat = result["latency_ms"]
            progress(
                f"open loop at {rate}/s {each.name}: p50 {lat['p50']} p95 {lat['p95']} "
                f"p99 {lat['p99']} ms"
            )
    return latency


@dataclass(frozen=True)
class Stored:
    leads: dict[str, int]  # per target tag (from the emails)
    events: int  # outbox rows
    settings: dict[str, str]  # the server's version and durability settings


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


# --- report ---------------------------------------------------------------------------


def busy_share(seconds: float = 2.0) -> float:
    """How busy the machine's CPUs were over ``seconds`` (0..1), from /proc/stat."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    try:
        busy0, total0 = sample()
        time.sleep(seconds)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return (busy1 - busy0) / max(1, total1 - total0)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(
    ts: list[Target],
    latency: dict[str, list[dict[str, Any]]],
    db: Stored,
    args: argparse.Namespace,
) -> tuple[str, bool]:
    """The markdown report, and whether durability held."""
    base = ts[0].max_rate()
    noisy = [r for t in ts for r in t.max_runs if r["other_cpu"] > NOISY]
    noisy += [r for pair in latency.values() for r in pair if r["other_cpu"] > NOISY]
    lines = [
        "# capture benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs ({cpu_model()}) · "
        f"Python {platform.python_version()} · Postgres {db.settings.get('server_version', '?')}"
        f" (synchronous_commit={db.settings.get('synchronous_commit', '?')}, "
        f"fsync={db.settings.get('fsync', '?')}) · uvicorn workers: {args.workers} each · "
        "load generator, servers and Postgres on the same machine",
        "",
        f"## Maximum throughput (closed loop, {args.connections} keep-alive connections, "
        f"{args.rounds} runs of {args.duration:g} s each, interleaved; median)",
        "",
        "| target | leads/s | runs | vs baseline | p99 at that load | leads per commit "
        "| client CPU | other CPU |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for t in ts:
        runs = " · ".join(f"{r['throughput']:.0f}" for r in t.max_runs)
        p99 = statistics.median(r["latency_ms"]["p99"] for r in t.max_runs)
        client = statistics.median(r["client_cpu_share"] for r in t.max_runs)
        other = statistics.median(r["other_cpu"] for r in t.max_runs)
        per_commit = [r["leads_per_commit"] for r in t.max_runs if r["leads_per_commit"]]
        batch = f"{statistics.median(per_commit):.1f}" if t.durable and per_commit else "n/a"
        lines.append(
            f"| {t.name} | {t.max_rate():.0f} | {runs} | {t.max_rate() / base:.2f} | "
            f"{p99:.0f} ms | {batch} | {client:.0%} of a core | {other:.0%} |"
        )
    lines += [
        "",
        f"## Latency at half of each capture variant's maximum (open loop, "
        f"{args.open_duration:g} s, measured from when each request fell due)",
        "",
        "| rate | target | achieved | p50 | p95 | p99 | p99.9 | max | not 202 "
        "| leads per commit | other CPU |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in latency.values():
        for r in pair:
            lat = r["latency_ms"]
            not_202 = sum(v for k, v in r["statuses"].items() if k != "202") + r["errors"]
            durable = r["target"] != ts[0].name and r["leads_per_commit"]
            batch = f"{r['leads_per_commit']:.1f}" if durable else "n/a"
            lines.append(
                f"| {r['rate_target']:.0f}/s | {r['target']} | {r['throughput']:.0f}/s | "
                f"{lat['p50']} ms | {lat['p95']} ms | {lat['p99']} ms | {lat['p999']} ms | "
                f"{lat['max']} ms | {not_202} | {batch} | {r['other_cpu']:.0%} |"
            )
    lines += ["", "## Durability (leads stored = 202 answers)", ""]
    durable = [t for t in ts if t.durable]
    ok = db.events == sum(db.leads.get(t.tag, 0) for t in durable)
    for t in durable:
        stored_rows = db.leads.get(t.tag, 0)
        ok &= stored_rows == t.accepted
        mark = "✔" if stored_rows == t.accepted else "✘ MISMATCH"
        lines.append(f"- {t.name}: {t.accepted} answered 202, {stored_rows} leads stored {mark}")
    lines.append(
        f"- outbox: {db.events} `lead.captured` events for "
        f"{sum(db.leads.get(t.tag, 0) for t in durable)} leads"
    )
    lines += ["", "## Against the targets", ""]
    for t in durable:
        ratio = t.max_rate() / base
        p99 = latency[t.name][0]["latency_ms"]["p99"]
        lines.append(
            f"- {t.name}: {ratio:.2f} of the baseline's throughput (target ≥ 0.80) "
            f"{'✔' if ratio >= 0.8 else '✘'}; p99 {p99} ms at {t.max_rate() / 2:.0f}/s "
            f"(target ≤ 50 ms) {'✔' if p99 is not None and p99 <= 50 else '✘'}"
        )
    if noisy:
        lines += [
            "",
            f"⚠ {len(noisy)} runs shared the machine with other work (other CPU > "
            f"{NOISY:.0%}); rerun on a quiet machine before quoting these numbers.",
        ]
    lines += ["", *(f"- {t.name}: {t.description}" for t in ts), ""]
    return "\n".join(lines), ok


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="capture vs a parse-only baseline")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers, every target"
    )
    p.add_argument("--connections", type=int, default=64, help="closed-loop connections")
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
        text, ok = report(ts, latency, asyncio.run(stored(admin_url)), args)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    print(text)
    progress(f"report written to {args.report}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
