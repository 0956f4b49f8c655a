"""The pipeline benchmark's report: each target met or not, and the exit status behind it."""

from __future__ import annotations

from tests.bench.pipeline_report import Context, Idle, Usage, report
from tests.bench.pipeline_stats import ROUTED, Answer, Outcome, Phase, summarise

NAMES = ["capture-api", "capture-consumer", "verify-consumer", "postgres", "tansu"]
CTX = Context(
    when="now",
    machine="2 CPUs",
    postgres="Postgres 16",
    busy_before=0.0,
    drain_timeout_s=30,
    connections=64,
)


def usage(at: float, cpu: float, rss: int = 100_000_000) -> Usage:
    return Usage(at=at, cpu_s=dict.fromkeys(NAMES, cpu), rss={n: [rss] for n in NAMES})


def render(latency_s: float, idle_cpu_s: float, rss: int = 100_000_000) -> tuple[str, bool]:
    phases = [Phase(2, 1, 100.0), Phase(4, 1, 101.0)]
    answers = [Answer(0, 100.0, 100.01, 202, "a"), Answer(1, 101.0, 101.01, 202, "b")]
    outcomes = [Outcome(100.0 + latency_s, ROUTED, "a"), Outcome(101.0 + latency_s, ROUTED, "b")]
    results = summarise(phases, answers, outcomes, deadline=131.0)
    idle = Idle(seconds=10, cpu_s=dict.fromkeys(NAMES, idle_cpu_s), others=0.0)
    readings = [usage(100.0, 1.0), usage(101.0, 1.5), usage(102.5, 2.0, rss)]
    return report(
        CTX,
        results,
        sorted(o.read_at for o in outcomes),
        readings,
        [0.01, 0.02],
        idle,
        usage(99.0, 0.5),
        {"errors": 0, "client_cpu_share": 0.1},
    )


def test_all_targets_met() -> None:
    text, met = render(latency_s=0.2, idle_cpu_s=0.01)

    assert met
    assert "✘" not in text
    assert "| capture (api + consumer) |" in text


def test_a_slow_pipeline_misses_its_latency_and_drain_targets() -> None:
    text, met = render(latency_s=6.0, idle_cpu_s=0.01)

    assert not met
    assert "✘ not met: at 2/s for 1 s (target set at 500/s), p99" in text
    assert "✘ not met: at 4/s for 1 s (target set at 1,000/s for 60 s), backlog drained" in text


def test_a_busy_idle_stack_or_a_large_process_misses_its_target() -> None:
    assert not render(latency_s=0.2, idle_cpu_s=0.1)[1]
    text, met = render(latency_s=0.2, idle_cpu_s=0.01, rss=250_000_000)
    assert not met
    assert "largest capture-api, 250 MB" in text
