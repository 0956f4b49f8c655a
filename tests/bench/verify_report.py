"""The verify benchmark's numbers and its markdown report (see verify.py)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tests.bench.report import NOISY
from tests.bench.verify_run import RunResult

OUTCOMES = ("verified", "needs_review", "rejected")
MODES = ("offline", "loopback")
MB = 1_000_000


@dataclass(frozen=True)
class RunStats:
    run: RunResult
    outcomes: Counter[str]  # each lead's first outcome
    lost: int  # published, no outcome read
    duplicated: int  # leads with more than one outcome record
    foreign: int  # outcome records of leads this run did not publish
    last_outcome: float | None  # when the last lead's first outcome was read

    @property
    def arrived(self) -> int:
        return self.run.leads - self.lost

    @property
    def seconds(self) -> float | None:
        """From the consumer's readiness to the last outcome."""
        return None if self.last_outcome is None else self.last_outcome - self.run.ready

    @property
    def leads_per_s(self) -> float | None:
        s = self.seconds
        return self.arrived / s if s and s > 0 else None

    def cpu_ms_per_lead(self, name: str) -> float | None:
        if name not in self.run.cpu_s or not self.arrived:
            return None
        return self.run.cpu_s[name] * 1000 / self.arrived

    @property
    def sound(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.foreign == 0


def stats(run: RunResult) -> RunStats:
    firsts: dict[str, str] = {}
    counts: Counter[str] = Counter()
    last: float | None = None
    foreign = 0
    for read in sorted(run.reads, key=lambda r: r.read_at):
        if read.lead_id not in run.ours:
            foreign += 1
            continue
        counts[read.lead_id] += 1
        if read.lead_id not in firsts:
            firsts[read.lead_id] = read.outcome
            last = read.read_at
    return RunStats(
        run=run,
        outcomes=Counter(firsts.values()),
        lost=run.leads - len(firsts),
        duplicated=sum(n > 1 for n in counts.values()),
        foreign=foreign,
        last_outcome=last,
    )


@dataclass(frozen=True)
class Context:
    when: str  # UTC
    machine: str
    postgres: str
    leads: int
    seed: int
    zone: str  # what the loopback DNS server holds
    dns_delay_ms: float
    busy_before: float


def num(value: float | None, digits: int = 0) -> str:
    """A number for a report's table (``n/a`` when it is unknown)."""
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _median(values: Sequence[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.2f}"


def _outcomes(s: RunStats) -> str:
    return " / ".join(f"{s.outcomes[o]:,}" for o in OUTCOMES)


def side_by_side(all_stats: Sequence[RunStats]) -> list[str]:
    by_mode = {m: [s for s in all_stats if s.run.mode == m] for m in MODES}
    off, loop = by_mode["offline"], by_mode["loopback"]
    rate = {m: _median([s.leads_per_s for s in by_mode[m]]) for m in MODES}
    pairs = [
        _ratio(b.leads_per_s, a.leads_per_s) for a, b in zip(off, loop, strict=False)
    ]  # runs that took turns: the first offline with the first loopback, …

    def cpu(name: str) -> dict[str, float | None]:
        return {m: _median([s.cpu_ms_per_lead(name) for s in by_mode[m]]) for m in MODES}

    lines = [
        "| | offline DNS | loopback DNS server | loopback / offline |",
        "|---|---:|---:|---:|",
        f"| **leads a second through verify** (median) | {num(rate['offline'])} | "
        f"{num(rate['loopback'])} | **{_ratio(rate['loopback'], rate['offline'])}** |",
        "| … each run | "
        + " | ".join(", ".join(num(s.leads_per_s) for s in by_mode[m]) for m in MODES)
        + f" | {', '.join(pairs)} (run by run) |",
    ]
    for name, label in (
        ("verify-consumer", "CPU per lead, verify's consumer (median)"),
        ("postgres", "CPU per lead, Postgres"),
        ("tansu", "CPU per lead, Tansu"),
    ):
        c = cpu(name)
        if c["offline"] is None and c["loopback"] is None:
            continue
        lines.append(
            f"| {label} | {num(c['offline'], 3)} ms | {num(c['loopback'], 3)} ms | "
            f"{_ratio(c['loopback'], c['offline'])} |"
        )
    rss = {
        m: max((s.run.peak_rss.get("verify-consumer", 0) for s in by_mode[m]), default=0)
        for m in MODES
    }
    lines += [
        f"| peak resident memory, verify's consumer (largest run) | {rss['offline'] / MB:,.0f} MB"
        f" | {rss['loopback'] / MB:,.0f} MB | |",
        "| outcomes: verified / needs_review / rejected (each run) | "
        + " | ".join("; ".join(_outcomes(s) for s in by_mode[m]) for m in MODES)
        + " | |",
        "| DNS queries (each run) | "
        + " | ".join(", ".join(f"{s.run.dns_queries:,}" for s in by_mode[m]) for m in MODES)
        + " | |",
        "| lost / duplicated (all runs) | "
        + " | ".join(
            f"{sum(s.lost for s in by_mode[m])} / {sum(s.duplicated for s in by_mode[m])}"
            for m in MODES
        )
        + " | |",
    ]
    return lines


def each_run(all_stats: Sequence[RunStats]) -> list[str]:
    lines = [
        "| run | DNS | start → ready | ready → last outcome | leads/s | CPU ms a lead: verify · "
        "Postgres · Tansu | peak RSS | verified / needs_review / rejected | lost / dup. | "
        "DNS queries | other processes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in all_stats:
        r = s.run
        cpu = " · ".join(
            num(s.cpu_ms_per_lead(n), 3) for n in ("verify-consumer", "postgres", "tansu")
        )
        noisy = " ⚠" if r.others > NOISY else ""
        lines.append(
            f"| {r.number} | {r.mode} | {r.ready - r.spawned:.1f} s | {num(s.seconds, 2)} s | "
            f"{num(s.leads_per_s)} | {cpu} | {r.peak_rss.get('verify-consumer', 0) / MB:,.0f} MB"
            f" | {_outcomes(s)} | {s.lost} / {s.duplicated} | {r.dns_queries:,} | "
            f"{r.others:.0%}{noisy} |"
        )
    return lines


def report(ctx: Context, runs: Sequence[RunResult]) -> tuple[str, bool]:
    """The markdown report, and whether every run was sound (nothing lost or duplicated)."""
    all_stats = [stats(r) for r in runs]
    sound = bool(all_stats) and all(s.sound for s in all_stats)
    foreign = sum(s.foreign for s in all_stats)
    lines = [
        "# verify's benchmark",
        "",
        f"Measured on {ctx.when}: {ctx.machine}; {ctx.postgres}; Tansu (memory engine). "
        f"Other processes used {ctx.busy_before:.0%} of the CPUs before it started.",
        "",
        f"Each run publishes the same {ctx.leads:,} `lead.captured` events (the benchmark's "
        f"varied leads, seed {ctx.seed}, as capture records them) to a fresh broker, with a "
        "fresh database migrated by `leadflow-verify migrate`, then starts "
        "`leadflow-verify consumer` and times it from its readiness (group joined, relay "
        "running) until every lead's outcome has been read back from `leads.verified.v1` and "
        "`leads.rejected.v1` by a Kafka client. The modes take turns: **offline** "
        "(`LEADFLOW_DNS_MODE=offline`) and **loopback** (`servers`, a dnslib server on "
        f"127.0.0.1 answering after {ctx.dns_delay_ms:g} ms; {ctx.zone}).",
        "",
        *side_by_side(all_stats),
        "",
        "## Each run",
        "",
        *each_run(all_stats),
        "",
        f"- {'✔' if sound else '✘'} every lead has exactly one outcome in every run "
        f"(lost {sum(s.lost for s in all_stats)}, duplicated "
        f"{sum(s.duplicated for s in all_stats)}, outcomes of unknown leads {foreign})",
        f"- ⚠ marks a run during which other processes used over {NOISY:.0%} of the CPUs.",
        "",
    ]
    return "\n".join(lines), sound
