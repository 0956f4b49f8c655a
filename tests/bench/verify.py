"""verify's benchmark: leads a second through the stage, offline DNS and a DNS server on loopback.

1. one Postgres server for the whole benchmark (embedded by default, as ``make run``) and
   a DNS server on loopback (``tests.dns_server``) holding the email domains of the
   benchmark's leads: most with MX records, some with only an address, some that do not
   exist; each query answered after ``--dns-delay-ms``;
2. the same ``--leads`` realistic ``lead.captured`` events (``tests.bench.leads``, as
   capture records them) for every run;
3. runs that take turns, offline DNS then the loopback server, ``--rounds`` times; each
   run on a fresh Tansu broker and a fresh database: ``leadflow-verify migrate``, the
   events published to ``leads.captured.v1``, an outcome reader (its own process) on
   ``leads.verified.v1`` and ``leads.rejected.v1``, then ``leadflow-verify consumer``
   started and timed from its readiness until every lead's outcome has been read;
4. CPU (from /proc) of the consumer, Postgres and Tansu during each run, the consumer's
   peak resident memory, other processes' CPU;
5. a markdown report in ``.local/bench/verify.md``, printed too. Exits with 0 only when
   every run gave every lead exactly one outcome.

    uv run --frozen python -m tests.bench.verify [--leads 6000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from leadflow_local.infra import SetupError
from leadflow_shared.logging import configure_logging
from tests.bench.leads import email_domains
from tests.bench.pipeline_run import Progress, add_stack_options
from tests.bench.report import busy_share, cpu_model, publish_report
from tests.bench.verify_input import captured_events, mail_zone
from tests.bench.verify_report import Context, report
from tests.bench.verify_run import Mode, Run, RunFailed, RunResult, bench_postgres, fresh_state
from tests.dns_server import Zone, serve
from tests.infra import ROOT

OUT = ROOT / ".local" / "bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--leads", type=int, default=6000, help="events each run (default 6000)")
    p.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="how many times each DNS mode runs, taking turns (default 2: four runs)",
    )
    p.add_argument(
        "--dns-delay-ms",
        type=float,
        default=20.0,
        help="how long the loopback DNS server takes for each query (default 20: a "
        "recursive resolver asking a domain's nameservers)",
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a run may take (default 120)"
    )
    add_stack_options(p)
    p.add_argument("--state-dir", type=Path, default=OUT / "verify")
    p.add_argument("--report", type=Path, default=OUT / "verify.md")
    args = p.parse_args(argv)
    if args.leads < 1 or args.rounds < 1:
        p.error("--leads and --rounds must be at least 1")
    return args


def run_all(args: argparse.Namespace, progress: Progress) -> tuple[list[RunResult], str, str]:
    """Every run; returns their results, which Postgres, and what the DNS zone holds."""
    state = fresh_state(args.state_dir)
    progress.say(f"building {args.leads:,} lead.captured events")
    events = captured_events(args.leads, args.seed)
    zone_text = mail_zone(email_domains())
    zone = Zone(zone_text.text, delay=lambda _name: args.dns_delay_ms / 1000)
    results: list[RunResult] = []
    with ExitStack() as stack:
        pg = bench_postgres(stack, args.postgres, args.admin_url, state / "pgdata", progress)
        nameserver = stack.enter_context(serve(zone))
        progress.say(f"DNS server on {nameserver}: {zone_text.describe()}")
        modes = [
            Mode("offline", {"LEADFLOW_DNS_MODE": "offline"}),
            Mode("loopback", {"LEADFLOW_DNS_MODE": "servers", "LEADFLOW_DNS_SERVERS": nameserver}),
        ]
        for _ in range(args.rounds):
            for mode in modes:
                number = len(results) + 1
                run = Run(
                    number,
                    mode,
                    events=events,
                    admin_url=pg.admin_url,
                    postgres_pid=pg.pid,
                    zone=zone,
                    workdir=state / f"run-{number}-{mode.name}",
                    progress=progress,
                    timeout_s=args.timeout,
                )
                results.append(run.execute())
    return results, pg.description, zone_text.describe()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("bench-verify", "WARNING")  # the progress lines, not the topics created
    progress = Progress("verify")
    busy = busy_share()
    progress.say(f"CPU busy before starting: {busy:.0%} (other processes)")
    try:
        results, postgres, zone = run_all(args, progress)
    except (RunFailed, SetupError) as exc:
        print(exc, file=sys.stderr)
        return 2
    ctx = Context(
        when=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        machine=f"{os.cpu_count()} CPUs ({cpu_model()}) · Python {platform.python_version()}",
        postgres=postgres,
        leads=args.leads,
        seed=args.seed,
        zone=zone,
        dns_delay_ms=args.dns_delay_ms,
        busy_before=busy,
    )
    text, sound = report(ctx, results)
    publish_report(args.report, text)
    progress.say(f"report written to {args.report}")
    return 0 if sound else 1


if __name__ == "__main__":
    raise SystemExit(main())
