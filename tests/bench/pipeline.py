"""The pipeline benchmark: leads posted to capture at fixed rates, outcomes read from Kafka.

1. ``leadflow-local run`` as ``make run`` starts it (embedded Postgres by default), on free
   loopback ports, with its own state folder (``.local/bench/stack``, wiped first);
2. a warm-up: a few leads through the whole pipeline; after a quiet spell (``--settle``)
   the idle stack's CPU (again, up to three times, while other processes keep the machine
   busy); then a lead-in (``--lead-in`` seconds at the first phase's rate, not measured),
   so that the measured phases find the pipeline at speed rather than waking up;
3. an outcome reader (``tests.bench.outcomes``, its own process) on ``leads.routed.v1``
   and ``leads.rejected.v1``; then the load generator (``tests.bench.loadgen``, its own
   process) posts realistic, varied leads (``tests.bench.leads``) in an open loop, phase
   after phase (500/s for 30 s, then 1,000/s for 60 s by default);
4. after the last post, it waits until every accepted lead has an outcome, or at most
   ``--drain-timeout`` seconds;
5. CPU (from /proc) of every process of the stack at each phase's start and at the end,
   their peak resident memory, other processes' CPU;
6. a markdown report in ``.local/bench/pipeline.md``, printed too; the stack is stopped
   with SIGINT (Ctrl-C). Exits with 0 only when every target is met.

    uv run --frozen python -m tests.bench.pipeline [--phases 500:30,1000:60] [--postgres local]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leadflow_local.postgres import drop_database
from tests.bench.loadgen import parse_phases
from tests.bench.pipeline_report import Context, Idle, Usage, report
from tests.bench.pipeline_run import LoadRun, Progress, add_stack_options, warm_up
from tests.bench.pipeline_stats import Phase, parse_answers, parse_outcomes, summarise
from tests.bench.report import NOISY, busy_share, cpu_model, publish_report
from tests.bench.sampling import Sampler, stack_processes
from tests.stack import Stack, StackFailed, fresh_stack

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".local" / "bench"
DATABASE = "leadflow_bench_pipeline"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--phases",
        type=parse_phases,
        default=parse_phases("500:30,1000:60"),
        help="RATE:SECONDS, comma-separated (default 500:30,1000:60)",
    )
    p.add_argument(
        "--drain-timeout",
        type=float,
        default=30.0,
        help="seconds after the last post to wait for outcomes (default 30)",
    )
    p.add_argument("--idle-seconds", type=float, default=10.0)
    p.add_argument(
        "--settle",
        type=float,
        default=10.0,
        help="seconds of quiet after the warm-up before the idle stack is measured",
    )
    p.add_argument(
        "--lead-in",
        type=float,
        default=5.0,
        help="seconds of posts at the first phase's rate, not measured, right before it (0: none)",
    )
    p.add_argument("--connections", type=int, default=64, help="load generator's connections")
    add_stack_options(p)
    p.add_argument("--state-dir", type=Path, default=OUT / "stack")
    p.add_argument("--ready-timeout", type=float, default=120.0)
    p.add_argument("--report", type=Path, default=OUT / "pipeline.md")
    return p.parse_args(argv)


@dataclass(frozen=True)
class Measured:
    run: LoadRun
    startup: Usage
    idle: Idle
    postgres: str


def measure(
    stack: Stack, args: argparse.Namespace, progress: Progress, shared: str | None
) -> Measured:
    stack.wait_ready(args.ready_timeout + 60)
    pids, postgres = stack_processes(stack.pids(), shared)
    sampler = Sampler(pids)
    warm_up(stack, OUT / "pipeline-run" / "warm-up", progress, rate=20, seconds=3)
    startup, _ = sampler.sample()
    # The consumers poll the broker less often after a quiet spell (kafka_idle_after_s):
    # the idle stack is the one that has settled.
    progress.say(f"idle stack: settling for {args.settle:g} s")
    time.sleep(args.settle)
    idle = measure_idle(sampler, args.idle_seconds, progress)
    first_rate = args.phases[0][0]
    if args.lead_in > 0:  # the pipeline at speed before the first measured post
        warm_up(
            stack,
            OUT / "pipeline-run" / "lead-in",
            progress,
            rate=first_rate,
            seconds=args.lead_in,
            what="lead-in",
        )
    run = LoadRun(
        stack,
        sampler,
        progress,
        OUT / "pipeline-run",
        phases=args.phases,
        drain_timeout_s=args.drain_timeout,
        loadgen_options=[f"--connections={args.connections}", f"--seed={args.seed}"],
    )
    run.execute()
    return Measured(run, startup, idle, postgres)


def measure_idle(sampler: Sampler, seconds: float, progress: Progress, tries: int = 3) -> Idle:
    """The idle stack's CPU; measured again while other processes keep the machine busy
    (a starved stack polls less), at most ``tries`` times, keeping the quietest."""
    found: list[Idle] = []
    while len(found) < tries and (not found or found[-1].others > NOISY):
        progress.say(f"idle stack: measuring for {seconds:g} s")
        found.append(sampler.idle(seconds))
        progress.say(
            f"idle stack: {found[-1].share:.1%} of one core "
            f"(other processes: {found[-1].others:.0%} of the CPUs)"
        )
    return min(found, key=lambda idle: idle.others)


def render(m: Measured, args: argparse.Namespace, busy: float) -> tuple[str, bool]:
    phases, start = [], m.run.started
    for rate, seconds in args.phases:
        phases.append(Phase(rate, seconds, start))
        start += seconds
    answers = parse_answers(m.run.answers_file.read_text().splitlines())
    outcomes = parse_outcomes(m.run.outcomes_file.read_text().splitlines())
    ctx = Context(
        when=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        machine=f"{os.cpu_count()} CPUs ({cpu_model()}) · Python {platform.python_version()}",
        postgres=m.postgres,
        busy_before=busy,
        drain_timeout_s=args.drain_timeout,
        connections=args.connections,
    )
    results = summarise(phases, answers, outcomes, m.run.deadline)
    read_times = sorted(o.read_at for o in outcomes if o.read_at <= m.run.deadline)
    return report(
        ctx, results, read_times, m.run.usage, m.run.others, m.idle, m.startup, m.run.client
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress()
    busy = busy_share()
    progress.say(f"CPU busy before starting: {busy:.0%} (other processes)")
    stack, shared = fresh_stack(
        postgres=args.postgres,
        admin_url=args.admin_url,
        state_dir=args.state_dir,
        database=DATABASE,
        ready_timeout_s=args.ready_timeout,
        repo=ROOT,
    )
    progress.say(f"starting leadflow-local run (state in {args.state_dir})")
    stack.start()
    try:
        measured = measure(stack, args, progress, shared)
    except (StackFailed, RuntimeError) as exc:
        print(f"{exc}\n{stack.diagnostics()}", file=sys.stderr)
        return 2
    finally:
        progress.say("stopping the stack (SIGINT)")
        code = stack.stop()
        if shared:
            drop_database(shared, DATABASE)
    if code != 0:
        progress.say(f"  ! leadflow-local run exited with {code}")
    text, met = render(measured, args, busy)
    publish_report(args.report, text)
    progress.say(f"report written to {args.report}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
