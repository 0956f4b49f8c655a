"""The markdown report of ``make bench`` (see run.py for how the numbers are taken)."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOISY = 0.10  # other processes' share of the CPUs above which a run is flagged
RATIO_TARGET = 0.8
P99_TARGET_MS = 50.0

Run = dict[str, Any]  # one load generator result (tests.bench.loadgen), with extras


@dataclass(kw_only=True)
class Results:
    """What one target measured: closed-loop runs per connection count, open-loop runs."""

    name: str
    description: str
    durable: bool
    closed: dict[int, list[Run]] = field(default_factory=dict)
    accepted: int = 0  # 202 answers in all its runs

    def rate_at(self, connections: int) -> float:
        return statistics.median(r["throughput"] for r in self.closed[connections])

    def best_connections(self) -> int:
        return max(self.closed, key=self.rate_at)

    def max_rate(self) -> float:
        """The most it sustained: the best median over the connection counts tried."""
        return self.rate_at(self.best_connections())


@dataclass(frozen=True)
class Stored:
    leads: dict[str, int]  # per target tag (from the emails)
    events: int  # outbox rows
    settings: dict[str, str]  # the server's version and durability settings


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


def _p99(runs: Sequence[Run]) -> float:
    return statistics.median(r["latency_ms"]["p99"] for r in runs)


def _median(runs: Sequence[Run], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def report(
    results: Sequence[Results],
    latency: dict[str, list[Run]],
    db: Stored,
    *,
    workers: int,
    rounds: int,
    duration: float,
    open_duration: float,
    tags: dict[str, str],
) -> tuple[str, bool]:
    """The markdown report, and whether durability held (every 202 a stored lead)."""
    baseline = results[0]
    levels = sorted(baseline.closed)
    noisy = [r for t in results for runs in t.closed.values() for r in runs]
    noisy += [r for pair in latency.values() for r in pair]
    noisy = [r for r in noisy if r["other_cpu"] > NOISY]
    lines = [
        "# capture benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs ({cpu_model()}) · "
        f"Python {platform.python_version()} · Postgres {db.settings.get('server_version', '?')}"
        f" (synchronous_commit={db.settings.get('synchronous_commit', '?')}, "
        f"fsync={db.settings.get('fsync', '?')}) · uvicorn workers: {workers} each · "
        "load generator, servers and Postgres on the same machine",
        "",
        f"## Maximum throughput (closed loop; {rounds} runs of {duration:g} s at each "
        "connection count, interleaved; median of the runs, then the best connection count)",
        "",
        "| target | "
        + " | ".join(f"{c} connections" for c in levels)
        + " | maximum | vs baseline's maximum | p99 at its maximum | leads per commit "
        "| client CPU | other CPU |",
        "|---|" + "---:|" * (len(levels) + 6),
    ]
    for t in results:
        best = t.closed[t.best_connections()]
        per_commit = [r["leads_per_commit"] for r in best if r["leads_per_commit"]]
        batch = f"{statistics.median(per_commit):.1f}" if t.durable and per_commit else "n/a"
        lines.append(
            f"| {t.name} | "
            + " | ".join(f"{t.rate_at(c):.0f}" for c in levels)
            + f" | **{t.max_rate():.0f}** | **{t.max_rate() / baseline.max_rate():.2f}** | "
            f"{_p99(best):.0f} ms | {batch} | "
            f"{_median(best, 'client_cpu_share'):.0%} of a core | "
            f"{_median(best, 'other_cpu'):.0%} |"
        )
    lines += ["", "Each run, leads/s:", ""]
    for t in results:
        for c in levels:
            runs = " · ".join(f"{r['throughput']:.0f}" for r in t.closed[c])
            lines.append(f"- {t.name}, {c} connections: {runs}")
    lines += ["", "At equal concurrency, against the baseline:", ""]
    for t in results[1:]:
        ratios = ", ".join(f"{t.rate_at(c) / baseline.rate_at(c):.2f} at {c}" for c in levels)
        lines.append(f"- {t.name}: {ratios}")
    lines += [
        "",
        f"## Latency at half of each capture variant's maximum (open loop, {open_duration:g} s, "
        "measured from when each request fell due)",
        "",
        "| rate | target | achieved | p50 | p95 | p99 | p99.9 | max | not 202 "
        "| leads per commit | other CPU |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in latency.values():
        for r in pair:
            lat = r["latency_ms"]
            not_202 = sum(v for k, v in r["statuses"].items() if k != "202") + r["errors"]
            durable = r["target"] != baseline.name and r["leads_per_commit"]
            batch = f"{r['leads_per_commit']:.1f}" if durable else "n/a"
            lines.append(
                f"| {r['rate_target']:.0f}/s | {r['target']} | {r['throughput']:.0f}/s | "
                f"{lat['p50']} ms | {lat['p95']} ms | {lat['p99']} ms | {lat['p999']} ms | "
                f"{lat['max']} ms | {not_202} | {batch} | {r['other_cpu']:.0%} |"
            )
    durable = [t for t in results if t.durable]
    stored_total = sum(db.leads.get(tags[t.name], 0) for t in durable)
    ok = db.events == stored_total
    lines += ["", "## Durability (leads stored = 202 answers)", ""]
    for t in durable:
        stored_rows = db.leads.get(tags[t.name], 0)
        ok &= stored_rows == t.accepted
        mark = "✔" if stored_rows == t.accepted else "✘ MISMATCH"
        lines.append(f"- {t.name}: {t.accepted} answered 202, {stored_rows} leads stored {mark}")
    lines.append(f"- outbox: {db.events} `lead.captured` events for {stored_total} leads")
    lines += ["", "## Against the targets", ""]
    for t in durable:
        ratio = t.max_rate() / baseline.max_rate()
        p99 = latency[t.name][0]["latency_ms"]["p99"]
        lines.append(
            f"- {t.name}: {ratio:.2f} of the baseline's maximum (target ≥ {RATIO_TARGET}) "
            f"{'✔' if ratio >= RATIO_TARGET else '✘'}; p99 {p99} ms at {t.max_rate() / 2:.0f}/s "
            f"(target ≤ {P99_TARGET_MS:g} ms) "
            f"{'✔' if p99 is not None and p99 <= P99_TARGET_MS else '✘'}"
        )
    if noisy:
        lines += [
            "",
            f"⚠ {len(noisy)} runs shared the machine with other work (other CPU > "
            f"{NOISY:.0%}); rerun on a quiet machine before quoting these numbers.",
        ]
    lines += ["", *(f"- {t.name}: {t.description}" for t in results), ""]
    return "\n".join(lines), ok


def publish_report(path: Path, text: str) -> None:
    """A benchmark's markdown report: written to ``path`` and printed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(text)
