"""score's benchmark: leads a second through the scoring stage, and replay and promote over
100,000 stored leads.

1. one Postgres server for the whole benchmark (embedded by default, as ``make run``);
2. the stage, ``--rounds`` times: the same ``--leads`` realistic ``lead.verified`` events
   (``tests.bench.leads``' varied leads as verify passes them on, repeats linked to their
   person's first lead) published to a fresh Tansu broker, a fresh database migrated by
   ``leadflow-score migrate``, an outcome reader (its own process) on ``leads.scored.v1``,
   then ``leadflow-score consumer`` with the example rules, timed from its readiness until
   every lead's score has been read;
3. replay: a fresh database holding ``--stored`` leads' inputs and their live scores
   (written in bulk under the example rules), then ``leadflow-score replay --rules FILE``
   run as a user runs it, with an edited copy of the example rules, timed; then
   ``leadflow-score promote`` of that version (every stored lead scored again, changes
   published through the outbox), timed;
4. CPU (from /proc) of the consumer or command, and of Postgres;
5. a markdown report in ``.local/bench/score.md``, printed too. Exits with 0 only when
   every lead was scored in every run and the commands succeeded.

    uv run --frozen python -m tests.bench.score [--leads 10000] [--rounds 2] [--stored 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from leadflow_capture.intake.schemas import LeadIn
from leadflow_local.infra import SetupError, create_database
from leadflow_local.postgres import drop_database, service_url
from leadflow_local.processes import service_command
from leadflow_score import NAME as SCORE
from leadflow_score.rules.domain.scoring import Subject, score
from leadflow_score.rules.live import RulesFile
from leadflow_score.rules.repository import explanation_json, input_json
from leadflow_shared.events import (
    LeadVerified,
    LeadVerifiedData,
    Topics,
    new_envelope_fields,
    new_id,
)
from leadflow_shared.events.v1 import ContactDetails
from leadflow_shared.logging import configure_logging
from tests.bench.leads import LeadFactory
from tests.bench.pipeline_run import Progress, add_stack_options
from tests.bench.report import NOISY, busy_share, cpu_model, publish_report
from tests.bench.sampling import Sampler
from tests.bench.verify_report import RunStats, num, stats
from tests.bench.verify_run import (
    Mode,
    RunFailed,
    RunResult,
    bench_postgres,
    fresh_state,
    stage_runs,
)
from tests.infra import ROOT

OUT = ROOT / ".local" / "bench"
EXAMPLE_RULES = ROOT / "deploy" / "examples" / "score-rules.yaml"
# the replayed edit: pricing requests count as much as demo requests, and hot comes sooner
EDITS = (("  pricing: 20\n", "  pricing: 30\n"), ("  hot: 60\n", "  hot: 55\n"))
COPY_ROWS = 10_000
_TOOK = re.compile(r"(?:replayed|re-scored) [\d,]+ leads in ([\d.]+) s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--leads", type=int, default=10_000, help="events each stage run")
    p.add_argument("--rounds", type=int, default=2, help="stage runs (default 2)")
    p.add_argument("--stored", type=int, default=100_000, help="leads stored for the replay")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds a step may take")
    add_stack_options(p)
    p.add_argument("--state-dir", type=Path, default=OUT / "score")
    p.add_argument("--report", type=Path, default=OUT / "score.md")
    args = p.parse_args(argv)
    if args.leads < 1 or args.rounds < 1 or args.stored < 1:
        p.error("--leads, --rounds and --stored must be at least 1")
    return args


def verified_leads(count: int, seed: int, tag: str) -> list[tuple[LeadVerified, LeadVerifiedData]]:
    """``count`` varied verified leads: the benchmark's leads as capture takes them and
    verify passes them on (contact as given, the country when it is a code); a lead whose
    email came before is linked to that person's first lead."""
    make = LeadFactory(tag, seed)
    firsts: dict[str, uuid.UUID] = {}
    out = []
    for n in range(count):
        received_at = datetime.now(UTC)
        submission = LeadIn.model_validate(make(n)).to_submission("contact_sales", received_at)
        country = (
            submission.country if submission.country and len(submission.country) == 2 else None
        )
        data = LeadVerifiedData(
            source_id="web-form",
            contact=ContactDetails(
                email=submission.email,
                phone=submission.phone,
                first_name=submission.first_name,
                last_name=submission.last_name,
                company=submission.company,
                job_title=submission.job_title,
                website=submission.website,
                country=country.upper() if country else None,
                city=submission.city,
                language=submission.language,
            ),
            checks=(),
            cta=submission.cta,
            utm=submission.utm,
            consent=submission.consent,
            bant=submission.bant,
            message=submission.message,
            received_at=received_at,
        )
        event = LeadVerified(**new_envelope_fields(producer="verify", lead_id=new_id()), data=data)
        email = submission.email
        if email and email in firsts:
            data = data.model_copy(
                update={"duplicate_of": firsts[email], "findings": ("duplicate",)}
            )
            event = event.model_copy(update={"data": data})
        elif email:
            firsts[email] = event.lead_id
        out.append((event, data))
    return out


# --- the stage ------------------------------------------------------------------------


def score_runs(
    args: argparse.Namespace, admin_url: str, postgres_pid: int | None, progress: Progress
) -> list[RunResult]:
    return stage_runs(
        args.rounds,
        Mode("stage", {"LEADFLOW_SCORE_RULES_FILE": str(EXAMPLE_RULES)}),
        service=SCORE,
        events=[event for event, _ in verified_leads(args.leads, args.seed, "s")],
        input_topic=Topics.VERIFIED,
        outcome_topics=(Topics.SCORED,),
        admin_url=admin_url,
        postgres_pid=postgres_pid,
        state_dir=args.state_dir,
        progress=progress,
        timeout_s=args.timeout,
    )


# --- replay and promote ---------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    leads: int
    seconds: float
    cpu_s: dict[str, float]
    output: list[str]
    others: float

    @property
    def leads_per_s(self) -> float:
        return self.leads / self.seconds if self.seconds > 0 else 0.0

    @property
    def own_seconds(self) -> float | None:
        """How long the work took by the command's own account (its start-up left out)."""
        for line in self.output:
            found = _TOOK.search(line)
            if found:
                return float(found[1])
        return None

    @property
    def own_leads_per_s(self) -> float | None:
        own = self.own_seconds
        return self.leads / own if own else None

    def cpu_ms_per_lead(self, name: str) -> float | None:
        return self.cpu_s[name] * 1000 / self.leads if name in self.cpu_s and self.leads else None


async def store(url: str, leads: Sequence[tuple[LeadVerified, LeadVerifiedData]]) -> str:
    """The leads' inputs and live scores under the example rules, written in bulk; returns
    the live version."""
    file = RulesFile.read(EXAMPLE_RULES)
    now = datetime.now(UTC)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(
            "INSERT INTO score.rule_sets (version, name, content_hash, source, origin, live, "
            "promoted_at) VALUES ($1, $2, $3, $4, $5, true, now())",
            file.version,
            file.rules.name,
            file.rules.content_hash,
            file.text,
            file.origin,
        )
        for start in range(0, len(leads), COPY_ROWS):
            chunk = leads[start : start + COPY_ROWS]
            inputs, scores = [], []
            for event, data in chunk:
                person = data.duplicate_of or event.lead_id
                inputs.append((event.lead_id, person, data.received_at, input_json(data), now))
                s = score(Subject(event.lead_id, data), file.rules, now, file.version)
                scores.append(
                    (
                        event.lead_id,
                        s.score,
                        s.temperature,
                        s.status,
                        explanation_json(s),
                        file.version,
                        now,
                        s.fit,
                        s.engagement,
                        s.status_reason,
                        "verified",
                        None,
                    )
                )
            await connection.copy_records_to_table(
                "score_inputs",
                schema_name="score",
                records=inputs,
                columns=["lead_id", "person_id", "received_at", "lead", "stored_at"],
            )
            await connection.copy_records_to_table(
                "scores",
                schema_name="score",
                records=scores,
                columns=[
                    "lead_id",
                    "score",
                    "temperature",
                    "status",
                    "explanation",
                    "rules_version",
                    "scored_at",
                    "fit",
                    "engagement",
                    "status_reason",
                    "trigger",
                    "recheck_at",
                ],
            )
        await connection.execute("ANALYZE score.score_inputs; ANALYZE score.scores")
    finally:
        await connection.close()
    return file.version


def run_command(
    name: str,
    argv: list[str],
    env: dict[str, str],
    leads: int,
    pids: dict[str, int],
    timeout_s: float,
) -> Command:
    sampler = Sampler(pids)
    before, ticks0 = sampler.sample()
    reaped = _children_cpu_s()
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        out, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        raise RunFailed(f"{name} took over {timeout_s:.0f} s:\n{out[-3000:]}") from None
    seconds = time.perf_counter() - started
    after, ticks1 = sampler.sample()
    if process.returncode != 0:
        raise RunFailed(f"{name} failed ({process.returncode}):\n{out[-3000:]}")
    cpu = {n: after.cpu_s[n] - before.cpu_s[n] for n in pids}
    cpu[name] = _children_cpu_s() - reaped  # the command's, once reaped
    return Command(name, leads, seconds, cpu, out.splitlines(), sampler.others(ticks0, ticks1))


def _children_cpu_s() -> float:
    """CPU seconds of this process's children reaped so far."""
    usage = os.times()
    return usage.children_user + usage.children_system


def replay_and_promote(
    args: argparse.Namespace, admin_url: str, postgres_pid: int | None, progress: Progress
) -> tuple[Command, Command]:
    database = "leadflow_bench_score_replay"
    workdir = args.state_dir / "replay"
    workdir.mkdir(parents=True, exist_ok=True)
    progress.say(f"building {args.stored:,} verified leads to store")
    leads = verified_leads(args.stored, args.seed + 1, "r")
    with ExitStack() as stack:
        url = create_database(admin_url, database)
        stack.callback(drop_database, admin_url, database)
        score_url = service_url(url, SCORE)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env.update(LEADFLOW_DATABASE_URL=score_url, PYTHONUNBUFFERED="1", COLUMNS="100")
        migrate = subprocess.run(
            service_command(SCORE, "migrate"),
            env={**env, "LEADFLOW_ADMIN_DATABASE_URL": url},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if migrate.returncode != 0:
            raise RunFailed(f"leadflow-score migrate failed:\n{migrate.stderr[-3000:]}")
        progress.say(f"storing {len(leads):,} leads' inputs and live scores")
        live = asyncio.run(store(score_url, leads))
        edited = workdir / "edited-rules.yaml"
        text = EXAMPLE_RULES.read_text()
        for old, new in EDITS:
            text = text.replace(old, new, 1)
        edited.write_text(text)
        version = RulesFile.read(edited).version
        pids = {"postgres": postgres_pid} if postgres_pid is not None else {}
        progress.say(f"leadflow-score replay --rules {edited.name} (live: {live})")
        replay = run_command(
            "replay",
            service_command(SCORE, "replay", "--rules", str(edited)),
            env,
            len(leads),
            pids,
            args.timeout,
        )
        progress.say(f"replayed {len(leads):,} leads in {replay.seconds:.1f} s; promoting")
        promote = run_command(
            "promote",
            service_command(SCORE, "promote", version),
            env,
            len(leads),
            pids,
            args.timeout,
        )
        progress.say(f"promoted, re-scoring {len(leads):,} leads in {promote.seconds:.1f} s")
    return replay, promote


# --- the report -----------------------------------------------------------------------


def report(
    ctx: dict[str, str], runs: Sequence[RunStats], replay: Command, promote: Command
) -> tuple[str, bool]:
    sound = all(s.lost == 0 and s.foreign == 0 for s in runs)
    rates = [s.leads_per_s for s in runs if s.leads_per_s]
    lines = [
        "# score's benchmark",
        "",
        f"Measured on {ctx['when']}: {ctx['machine']}; {ctx['postgres']}; Tansu (memory "
        f"engine). Other processes used {ctx['busy']} of the CPUs before it started.",
        "",
        "| | |",
        "|---|---:|",
        f"| **leads a second through score's stage** (median of {len(runs)} runs) | "
        f"**{num(statistics.median(rates) if rates else None)}** |",
        f"| **replay: stored leads re-scored a second** ({replay.leads:,} leads) | "
        f"**{num(replay.own_leads_per_s)}** |",
        f"| promote: stored leads re-scored and stored a second | {num(promote.own_leads_per_s)} |",
        "",
        "## The stage",
        "",
        f"Each run publishes the same {ctx['leads']} `lead.verified` events (the benchmark's "
        "varied leads as verify passes them on; a repeat of an earlier email is linked to "
        "that person's first lead) to a fresh broker, with a fresh database migrated by "
        "`leadflow-score migrate`, then starts `leadflow-score consumer` with the example "
        "rules and times it from its readiness until every lead's `lead.scored` has been "
        "read back from `leads.scored.v1` by a Kafka client.",
        "",
        "| run | start → ready | ready → last score | leads/s | CPU ms a lead: score · "
        "Postgres · Tansu | hot / warm / cold | lost | re-scored | other processes |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in runs:
        r = s.run
        cpu = " · ".join(
            num(s.cpu_ms_per_lead(n), 3) for n in ("score-consumer", "postgres", "tansu")
        )
        noisy = " ⚠" if r.others > NOISY else ""
        lines.append(
            f"| {r.number} | {r.ready - r.spawned:.1f} s | {num(s.seconds, 2)} s | "
            f"{num(s.leads_per_s)} | {cpu} | "
            f"{' / '.join(f'{s.outcomes[t]:,}' for t in ('hot', 'warm', 'cold'))} | {s.lost} | "
            f"{s.duplicated} | {r.others:.0%}{noisy} |"
        )
    lines += [
        "",
        "`re-scored`: leads with a second `lead.scored`: a first lead whose person came back "
        "(a repeat re-scores it at once) and changed temperature or status.",
        "",
        "## Replay and promote",
        "",
        f"A fresh database holds {replay.leads:,} stored leads (their inputs and live scores "
        "under the example rules, written in bulk). `leadflow-score replay --rules FILE` runs "
        "as a user runs it, with the example rules edited (pricing requests 20 → 30 points, "
        "hot from 55 instead of 60); then `leadflow-score promote VERSION` makes them live "
        "and scores every stored lead again (current scores, history, `lead.scored` to the "
        "outbox for each change).",
        "",
        "| command | leads | the work: seconds · leads/s | the whole command (start-up too):"
        " seconds · leads/s | CPU ms a lead: command · Postgres | other processes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in (replay, promote):
        cpu = " · ".join(num(c.cpu_ms_per_lead(n), 3) for n in (c.name, "postgres"))
        lines.append(
            f"| {c.name} | {c.leads:,} | {num(c.own_seconds, 1)} · {num(c.own_leads_per_s)} | "
            f"{c.seconds:.1f} · {num(c.leads_per_s)} | {cpu} | {c.others:.0%} |"
        )
    lines += ["", "What `replay` printed:", "", "```", *_printed(replay.output), "```", ""]
    lines += [
        f"- {'✔' if sound else '✘'} every lead was scored in every run "
        f"(lost {sum(s.lost for s in runs)}, scores of unknown leads "
        f"{sum(s.foreign for s in runs)})",
        f"- ⚠ marks a run during which other processes used over {NOISY:.0%} of the CPUs.",
        "",
    ]
    return "\n".join(lines), sound


def _printed(output: list[str]) -> list[str]:
    """The command's report, without its progress bar's redraws."""
    return [line for line in output if line.strip() and "replaying example" not in line]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("bench-score", "WARNING")
    progress = Progress("score")
    busy = busy_share()
    progress.say(f"CPU busy before starting: {busy:.0%} (other processes)")
    state = args.state_dir = fresh_state(args.state_dir)
    try:
        with ExitStack() as stack:
            pg = bench_postgres(stack, args.postgres, args.admin_url, state / "pgdata", progress)
            runs = score_runs(args, pg.admin_url, pg.pid, progress)
            replay, promote = replay_and_promote(args, pg.admin_url, pg.pid, progress)
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
    text, sound = report(ctx, [stats(r) for r in runs], replay, promote)
    publish_report(args.report, text)
    progress.say(f"report written to {args.report}")
    return 0 if sound else 1


if __name__ == "__main__":
    raise SystemExit(main())
