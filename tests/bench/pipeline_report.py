"""The markdown report of the pipeline benchmark, and its targets (see pipeline.py)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from leadflow_local.postgres import SERVICES
from tests.bench.pipeline_stats import PhaseResult, percentile
from tests.bench.report import NOISY

DRAIN_TARGET_S = 5.0
P99_TARGET_S = 0.5
IDLE_TARGET = 0.03  # of one core
RSS_TARGET_BYTES = 200_000_000  # per process
MB = 1_000_000


@dataclass(frozen=True)
class Usage:
    """The stack's processes at one moment, by name (capture-api, …, tansu, postgres); each
    name stands for a process and its descendants (uvicorn's workers, Postgres's backends)."""

    at: float  # wall clock, s
    cpu_s: dict[str, float]  # CPU seconds used so far
    rss: dict[str, list[int]]  # peak resident bytes (VmHWM) of each of its processes


@dataclass(frozen=True)
class Idle:
    seconds: float
    cpu_s: dict[str, float]  # CPU seconds each used in that time
    others: float  # other processes' share of the machine meanwhile

    @property
    def share(self) -> float:
        """Of one core, the whole stack."""
        return sum(self.cpu_s.values()) / self.seconds


@dataclass(frozen=True)
class Context:
    when: str  # UTC
    machine: str  # CPUs, model, Python
    postgres: str  # version and which server
    busy_before: float
    drain_timeout_s: float
    connections: int


@dataclass(frozen=True)
class Target:
    text: str
    met: bool

    def line(self) -> str:
        return f"- {'✔ met' if self.met else '✘ not met'}: {self.text}"


def group(name: str) -> str:
    """capture-api -> capture; tansu and postgres stand alone."""
    return name.rsplit("-", 1)[0]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if math.isinf(seconds):
        return "not arrived"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def targets(
    results: Sequence[PhaseResult], idle: Idle, end: Usage, drain_timeout_s: float
) -> list[Target]:
    busiest = max(results, key=lambda r: r.phase.rate)
    calmest = min(results, key=lambda r: r.phase.rate)
    at_busiest = f"at {busiest.phase.label}"
    if (busiest.phase.rate, busiest.phase.seconds) != (1000, 60):
        at_busiest += " (target set at 1,000/s for 60 s)"
    at_calmest = f"at {calmest.phase.label}"
    if calmest.phase.rate != 500:
        at_calmest += " (target set at 500/s)"
    drained = busiest.drain_s
    p99 = percentile(calmest.latencies, 99)
    biggest = max(
        ((n, max(v)) for n, v in end.rss.items() if group(n) in SERVICES), key=lambda x: x[1]
    )
    return [
        Target(
            f"{at_busiest}, nothing lost: {busiest.lost:,} of {busiest.accepted:,} accepted "
            f"leads had no outcome within {drain_timeout_s:g} s of the last post",
            busiest.lost == 0,
        ),
        Target(
            f"{at_busiest}, nothing duplicated: {busiest.duplicated:,} leads had more than one "
            "outcome",
            busiest.duplicated == 0,
        ),
        Target(
            f"{at_busiest}, backlog drained within {DRAIN_TARGET_S:g} s of the last post: "
            + (
                f"{drained:.1f} s"
                if drained is not None
                else f"not drained within {drain_timeout_s:g} s"
            ),
            drained is not None and drained <= DRAIN_TARGET_S,
        ),
        Target(
            f"{at_calmest}, p99 capture → outcome ≤ {P99_TARGET_S * 1000:.0f} ms: {ms(p99)}",
            p99 is not None and p99 <= P99_TARGET_S,
        ),
        Target(
            f"idle stack < {IDLE_TARGET:.0%} of one core: {idle.share:.1%}",
            idle.share < IDLE_TARGET,
        ),
        Target(
            f"every service process < {RSS_TARGET_BYTES / MB:.0f} MB resident at its peak "
            f"(VmHWM; the target applies per process): largest {biggest[0]}, "
            f"{biggest[1] / MB:.0f} MB",
            biggest[1] < RSS_TARGET_BYTES,
        ),
    ]


def report(
    ctx: Context,
    results: Sequence[PhaseResult],
    read_times: Sequence[float],
    usage: Sequence[Usage],
    others: Sequence[float],
    idle: Idle,
    startup: Usage,
    client: dict[str, Any],
) -> tuple[str, bool]:
    """The markdown report and whether every target was met. ``read_times``: when each
    outcome record was read, in order; ``usage`` holds a reading at each phase's start and
    one at the end of the drain."""
    goals = targets(results, idle, usage[-1], ctx.drain_timeout_s)
    heads = [r.phase.label for r in results]
    lines = [
        "# pipeline benchmark",
        "",
        f"{ctx.when} · {ctx.machine} · {ctx.postgres} · broker Tansu (in memory) · "
        "`leadflow-local run` as shipped (one `api` and one `consumer` process per service) · "
        f"stack, load generator ({ctx.connections} connections) and outcome reader on the "
        f"same machine, which was {ctx.busy_before:.0%} busy before the start",
        "",
        "## Against the targets",
        "",
        *(g.line() for g in goals),
        "",
        "## Per phase",
        "",
        "Latency counts from when each post fell due to when its outcome (`leads.routed.v1` or "
        f"`leads.rejected.v1`) was read; leads still missing {ctx.drain_timeout_s:g} s after "
        'the last post count as lost ("not arrived") and rank above every arrived one.',
        "",
        "| | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(results),
        *_phase_rows(results, ctx, others),
        "",
        *_overall(results, read_times, usage[-1].at, client),
        "",
        *_cpu(results, read_times, usage),
        "",
        *_memory(startup, usage, heads),
        "",
        *_idle(idle),
    ]
    noisy = [r.phase.label for r, o in zip(results, others, strict=True) if o > NOISY]
    if noisy or idle.others > NOISY:
        lines += [
            "",
            f"⚠ noisy: other processes used more than {NOISY:.0%} of the CPUs during "
            + ", ".join(noisy + (["the idle measurement"] if idle.others > NOISY else []))
            + "; rerun on a quiet machine before quoting these numbers.",
        ]
    return "\n".join([*lines, ""]), all(g.met for g in goals)


def _row(label: str, cells: Sequence[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def _phase_rows(results: Sequence[PhaseResult], ctx: Context, others: Sequence[float]) -> list[str]:
    def statuses(r: PhaseResult) -> str:
        return ", ".join(f"{s}: {n:,}" for s, n in r.other_statuses.items()) or "none"

    def latency(values: Sequence[float], ps: Sequence[float]) -> str:
        return " / ".join(ms(percentile(values, p)) for p in ps)

    def per_s(value: float | None) -> str:
        return "n/a" if value is None else f"{value:,.0f}/s"

    def drain(r: PhaseResult) -> str:
        d = r.drain_s
        return f"{d:.1f} s" if d is not None else f"not drained ({r.lost:,} missing)"

    return [
        _row("posts answered", [f"{r.answered:,}" for r in results]),
        _row("accepted (202)", [f"{r.accepted:,}" for r in results]),
        _row("other answers", [statuses(r) for r in results]),
        _row("outcomes: routed / rejected", [f"{r.routed:,} / {r.rejected:,}" for r in results]),
        _row(
            f"lost (no outcome within {ctx.drain_timeout_s:g} s of the last post)",
            [f"{r.lost:,}" for r in results],
        ),
        _row("duplicated (more than one outcome)", [f"{r.duplicated:,}" for r in results]),
        _row(
            "capture → outcome p50 / p95 / p99 / max",
            [latency(r.latencies, (50, 95, 99, 100)) for r in results],
        ),
        _row("capture's 202, p50 / p99", [latency(r.capture_latencies, (50, 99)) for r in results]),
        _row("outcomes read during the phase", [per_s(r.outcomes_per_s()) for r in results]),
        _row(
            "completed (accepted ÷ first post → last outcome of its leads)",
            [
                per_s(r.completed_per_s()) if not r.lost else "n/a (not all arrived)"
                for r in results
            ],
        ),
        _row("backlog drain (last post → last outcome of its leads)", [drain(r) for r in results]),
        _row("other processes' share of the CPUs", [f"{o:.0%}" for o in others]),
    ]


def _read_between(read_times: Sequence[float], start: float, end: float) -> int:
    return bisect.bisect_left(read_times, end) - bisect.bisect_left(read_times, start)


def _overall(
    results: Sequence[PhaseResult], read_times: Sequence[float], end: float, client: dict[str, Any]
) -> list[str]:
    accepted = sum(r.accepted for r in results)
    arrived = sum(r.arrived for r in results)
    last_post = max(r.last_due or 0.0 for r in results)
    last = max((r.last_outcome or 0.0 for r in results), default=0.0)
    overall = (
        f"{accepted / (last - results[0].phase.start):,.0f} leads a second from the first "
        "post to the last outcome"
        if arrived == accepted and last > results[0].phase.start
        else "not all arrived"
    )
    drained = _read_between(read_times, last_post, end)
    drain_rate = f"{drained / (end - last_post):,.0f}/s" if end > last_post else "n/a"
    return [
        f"Overall: {accepted:,} leads accepted, {arrived:,} of them with an outcome in time "
        f"({overall}). During the drain, with no posts, outcomes came at {drain_rate} "
        f"({drained:,} in {end - last_post:.0f} s). Load generator: "
        f"{client.get('errors', 0)} connection errors, "
        f"{client.get('client_cpu_share', 0):.0%} of a core.",
    ]


def _cpu(
    results: Sequence[PhaseResult], read_times: Sequence[float], usage: Sequence[Usage]
) -> list[str]:
    phases = range(len(results))
    names = list(usage[0].cpu_s)
    groups = list(dict.fromkeys(group(n) for n in names))
    used = [{n: usage[i + 1].cpu_s[n] - usage[i].cpu_s[n] for n in names} for i in phases]
    windows = [usage[i + 1].at - usage[i].at for i in phases]
    read = [_read_between(read_times, usage[i].at, usage[i + 1].at) for i in phases]

    def cells(members: Sequence[str]) -> list[str]:
        found = []
        for i in phases:
            cpu = sum(used[i][n] for n in members)
            per_lead = cpu / results[i].accepted * 1000 if results[i].accepted else math.nan
            per_outcome = cpu / read[i] * 1000 if read[i] else math.nan
            found += [f"{per_lead:.2f} ms", f"{per_outcome:.2f} ms", f"{cpu / windows[i]:.0%}"]
        return found

    head = (
        "| | "
        + " | ".join(
            f"{r.phase.label}: per lead accepted | per outcome read | share of a core"
            for r in results
        )
        + " |"
    )
    rule = "|---|" + "---:|" * 3 * len(results)
    lines = [
        "## CPU per lead",
        "",
        "CPU time (user + system, from /proc, each process with its descendants) over the "
        "phase's window ÷ the leads accepted in the phase, ÷ the outcomes read in the window, "
        "and as a share of one core. A phase's window runs to the next phase's start, the "
        "last one's to the end of the drain: "
        + ", ".join(f"{w:.0f} s, {n:,} outcomes read" for w, n in zip(windows, read, strict=True))
        + ". capture works per lead accepted; once a backlog forms, verify, score and router "
        "work per lead they pass on, closer to the outcomes read.",
        "",
        head,
        rule,
    ]
    for g in groups:
        members = [n for n in names if group(n) == g]
        label = f"{g} ({' + '.join(n.removeprefix(g + '-') for n in members)})"
        lines.append(_row(label if len(members) > 1 else g, cells(members)))
    lines += [_row("**whole stack**", cells(names)), "", "Per process:", "", head, rule]
    lines += [_row(n, cells([n])) for n in names if n not in groups]
    return lines


def _memory(startup: Usage, usage: Sequence[Usage], heads: Sequence[str]) -> list[str]:
    readings = [startup, *usage[1:]]
    columns = ["after start-up", *(f"end of {h}" for h in heads)]

    def mb(values: Sequence[int]) -> str:
        return f"{max(values) / MB:.0f}" + (
            f" ({len(values)} processes)" if len(values) > 1 else ""
        )

    lines = [
        "## Peak resident memory (VmHWM, MB)",
        "",
        "Per process its peak so far; a service's line is the sum of its `api` and `consumer`. "
        "Postgres: the largest of the postmaster and its children (N processes; they share "
        "their buffers, so a sum would count those N times).",
        "",
        "| | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    names = list(startup.rss)
    for g in dict.fromkeys(group(n) for n in names):
        members = [n for n in names if group(n) == g]
        if len(members) > 1:
            sums = [sum(max(r.rss[n]) for n in members) / MB for r in readings]
            lines.append(_row(f"**{g}**", [f"**{v:.0f}**" for v in sums]))
        lines += [_row(n, [mb(r.rss[n]) for r in readings]) for n in members]
    return lines


def _idle(idle: Idle) -> list[str]:
    lines = [
        f"## Idle stack ({idle.seconds:.0f} s with no load, after start-up and a warm-up)",
        "",
        f"Whole stack: **{idle.share:.1%} of one core** (other processes: {idle.others:.0%} of "
        "the CPUs).",
        "",
        "| process | share of one core |",
        "|---|---:|",
    ]
    lines += [_row(n, [f"{cpu / idle.seconds:.1%}"]) for n, cpu in idle.cpu_s.items()]
    return lines
