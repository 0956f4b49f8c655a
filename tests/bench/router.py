"""router's benchmark: leads a second through the routing stage.

1. one Postgres server for the whole benchmark (embedded by default, as ``make run``);
2. ``--rounds`` runs, each with the same ``--leads`` realistic ``lead.scored`` events: the
   benchmark's varied leads as verify passes them on (a repeat of an earlier email linked
   to its person's first lead), scored under the example rules as score scores them,
   published to a fresh Tansu broker; a fresh database migrated by
   ``leadflow-router migrate``; an outcome reader (its own process) on
   ``leads.routed.v1``; then ``leadflow-router consumer`` with the example configuration
   (its reps and partners), timed from its readiness until every lead's ``lead.routed``
   has been read;
3. CPU (from /proc) of the consumer, Postgres and Tansu, and the consumer's peak memory;
4. a markdown report in ``.local/bench/router.md``, printed too. Exits with 0 only when
   every lead was routed once in every run.

    uv run --frozen python -m tests.bench.router [--leads 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from leadflow_local.infra import SetupError
from leadflow_router import NAME as ROUTER
from leadflow_score.rules.domain.scoring import Subject, score
from leadflow_score.rules.live import RulesFile
from leadflow_shared.events import LeadScored, LeadScoredData, Topics, new_envelope_fields
from leadflow_shared.logging import configure_logging
from tests.bench.pipeline_run import Progress, add_stack_options
from tests.bench.report import NOISY, busy_share, cpu_model, publish_report
from tests.bench.score import EXAMPLE_RULES, verified_leads
from tests.bench.verify_report import RunStats, num, stats
from tests.bench.verify_run import Mode, RunFailed, bench_postgres, fresh_state, stage_runs
from tests.infra import ROOT

OUT = ROOT / ".local" / "bench"
KINDS = ("rep", "partner", "queue", "nurture")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--leads", type=int, default=10_000, help="events each run")
    p.add_argument("--rounds", type=int, default=2, help="runs (default 2)")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds a run may take")
    add_stack_options(p)
    p.add_argument("--state-dir", type=Path, default=OUT / "router")
    p.add_argument("--report", type=Path, default=OUT / "router.md")
    args = p.parse_args(argv)
    if args.leads < 1 or args.rounds < 1:
        p.error("--leads and --rounds must be at least 1")
    return args


def scored_leads(count: int, seed: int) -> list[LeadScored]:
    """``count`` varied leads as score passes them on: verified, then scored under the
    example rules (each on its own submission: a repeat's first lead is not re-scored)."""
    rules = RulesFile.read(EXAMPLE_RULES)
    now = datetime.now(UTC)
    out = []
    for event, lead in verified_leads(count, seed, "r"):
        given = score(Subject(event.lead_id, lead), rules.rules, now, rules.version)
        out.append(
            LeadScored(
                **new_envelope_fields(producer="score", lead_id=event.lead_id, cause=event),
                data=LeadScoredData(
                    score=given.score,
                    fit=given.fit,
                    engagement=given.engagement,
                    temperature=given.temperature,
                    status=given.status,
                    status_reason=given.status_reason,
                    explanation=given.public_explanation(),
                    rules_version=given.rules_version,
                    lead=lead,
                ),
            )
        )
    return out


def report(
    ctx: dict[str, str], runs: Sequence[RunStats], temperatures: Counter[str]
) -> tuple[str, bool]:
    sound = all(s.sound for s in runs)
    rates = [s.leads_per_s for s in runs if s.leads_per_s]
    mix = " / ".join(f"{temperatures[t]:,}" for t in ("hot", "warm", "cold"))
    lines = [
        "# router's benchmark",
        "",
        f"Measured on {ctx['when']}: {ctx['machine']}; {ctx['postgres']}; Tansu (memory "
        f"engine). Other processes used {ctx['busy']} of the CPUs before it started.",
        "",
        "| | |",
        "|---|---:|",
        f"| **leads a second through router's stage** (median of {len(runs)} runs) | "
        f"**{num(statistics.median(rates) if rates else None)}** |",
        "",
        f"Each run publishes the same {ctx['leads']} `lead.scored` events to a fresh broker: "
        "the benchmark's varied leads as verify passes them on (a repeat of an earlier email "
        "linked to its person's first lead), scored under the example rules (hot / warm / "
        f"cold: {mix}). A fresh database is migrated by `leadflow-router migrate`, then "
        "`leadflow-router consumer` starts with the example configuration (its reps, "
        "partners and queues) and is timed from its readiness until every lead's "
        "`lead.routed` has been read back from `leads.routed.v1` by a Kafka client.",
        "",
        "| run | start → ready | ready → last routing | leads/s | CPU ms a lead: router · "
        "Postgres · Tansu | router's peak memory | rep / partner / queue / nurture | lost | "
        "routed twice | other processes |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in runs:
        r = s.run
        cpu = " · ".join(
            num(s.cpu_ms_per_lead(n), 3) for n in (f"{ROUTER}-consumer", "postgres", "tansu")
        )
        memory = r.peak_rss.get(f"{ROUTER}-consumer")
        noisy = " ⚠" if r.others > NOISY else ""
        lines.append(
            f"| {r.number} | {r.ready - r.spawned:.1f} s | {num(s.seconds, 2)} s | "
            f"{num(s.leads_per_s)} | {cpu} | "
            f"{num(memory / 2**20 if memory else None)} MB | "
            f"{' / '.join(f'{s.outcomes[k]:,}' for k in KINDS)} | {s.lost} | "
            f"{s.duplicated} | {r.others:.0%}{noisy} |"
        )
    lines += [
        "",
        f"- {'✔' if sound else '✘'} every lead was routed once in every run "
        f"(lost {sum(s.lost for s in runs)}, routed twice {sum(s.duplicated for s in runs)}, "
        f"routings of unknown leads {sum(s.foreign for s in runs)})",
        f"- ⚠ marks a run during which other processes used over {NOISY:.0%} of the CPUs.",
        "",
    ]
    return "\n".join(lines), sound


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("bench-router", "WARNING")
    progress = Progress("router")
    busy = busy_share()
    progress.say(f"CPU busy before starting: {busy:.0%} (other processes)")
    state = args.state_dir = fresh_state(args.state_dir)
    progress.say(f"scoring {args.leads:,} leads under the example rules")
    events = scored_leads(args.leads, args.seed)
    try:
        with ExitStack() as stack:
            pg = bench_postgres(stack, args.postgres, args.admin_url, state / "pgdata", progress)
            runs = stage_runs(
                args.rounds,
                Mode("stage", {}),
                service=ROUTER,
                events=events,
                input_topic=Topics.SCORED,
                outcome_topics=(Topics.ROUTED,),
                admin_url=pg.admin_url,
                postgres_pid=pg.pid,
                state_dir=args.state_dir,
                progress=progress,
                timeout_s=args.timeout,
            )
    except (RunFailed, SetupError) as exc:
        print(exc, file=sys.stderr)
        return 2
    ctx = {
        "when": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{os.cpu_count()} CPUs ({cpu_model()}) · Python {platform.python_version()}",
        "postgres": pg.description,
        "busy": f"{busy:.0%}",
        "leads": f"{args.leads:,}",
    }
    temperatures = Counter(str(e.data.temperature) for e in events)
    text, sound = report(ctx, [stats(r) for r in runs], temperatures)
    publish_report(args.report, text)
    progress.say(f"report written to {args.report}")
    return 0 if sound else 1


if __name__ == "__main__":
    raise SystemExit(main())
