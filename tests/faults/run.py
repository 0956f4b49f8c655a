"""``make test-faults``: `make run`'s stack under faults, while varied leads are posted, and
then whether every lead answered 2xx reached exactly one outcome.

1. ``leadflow-local run`` as ``make run`` starts it (its own state folder and database);
2. open-loop posts of varied leads (``tests.bench.loadgen``): ``--rate`` a second for
   ``--seconds``, then ``--overload-rate`` for ``--overload-seconds`` (3 times what the pipeline
   sustains in ``make bench``), then ``--rate`` again for ten seconds;
3. meanwhile, on a schedule: poison records on every topic a stage consumes; kill -9 of
   every service process (each API and consumer, ``--kills`` times each, one every two
   seconds); the broker frozen (SIGSTOP) for 15 s; kill -9 of the broker; a restart of the
   embedded Postgres (``pg_ctl restart``);
4. the drain: until every lead answered 202 has an outcome on ``leads.routed.v1`` or
   ``leads.rejected.v1`` (or ``--drain-timeout``);
5. the checks, read back from the broker and the database: leads lost (202 and no outcome),
   leads routed twice (two ``lead.routed`` events with different ids), leads with two
   outcomes, leads not stored, leads with no outcome in the database, and the dead-letter
   topic holding exactly the poison; for each fault, how long until a lead posted after it
   reached its outcome;
6. a markdown report in ``.local/faults/report.md``, printed too. Exits with 0 only when
   nothing was lost, routed twice or left without an outcome and the dead letters are
   exactly the poison.

    uv run --frozen python -m tests.faults.run [--rate 100] [--seconds 100] [--kills 3]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_local.postgres import drop_database, plain_dsn
from leadflow_router.service import SERVICE as ROUTER
from leadflow_score.service import SERVICE as SCORE
from leadflow_shared.events import DeadLetter, LeadRejected, LeadRouted, Topics
from leadflow_verify.service import SERVICE as VERIFY
from tests.bench.pipeline_run import Progress, loadgen
from tests.bench.report import cpu_model, publish_report
from tests.infra import ROOT
from tests.stack import Stack, StackFailed, fresh_stack
from tests.support import read_topic

OUT = ROOT / ".local" / "faults"
DATABASE = "leadflow_faults"
SERVICES = ("capture", "verify", "score", "router")
PROCESSES = [f"{s}-{role}" for role in ("consumer", "api") for s in SERVICES]
POISON_PER_TOPIC = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=100.0, help="posts a second, faults running")
    p.add_argument("--seconds", type=float, default=120.0, help="of posts at --rate")
    p.add_argument("--overload-rate", type=float, default=3000.0)
    p.add_argument("--overload-seconds", type=float, default=30.0)
    p.add_argument("--kills", type=int, default=3, help="kill -9 of each service process")
    p.add_argument("--drain-timeout", type=float, default=300.0)
    p.add_argument(
        "--postgres",
        choices=("embedded", "local"),
        default="embedded",
        help="as `leadflow-local run --postgres` (the restart needs embedded)",
    )
    p.add_argument("--admin-url", help="admin URL of a Postgres server to use instead")
    p.add_argument("--state-dir", type=Path, default=OUT / "stack")
    p.add_argument("--report", type=Path, default=OUT / "report.md")
    args = p.parse_args(argv)
    if args.seconds < 110:
        p.error("--seconds must be at least 110: the faults take that long")
    return args


# --- the faults -----------------------------------------------------------------------


@dataclass
class Fault:
    at: float  # seconds after the first post
    name: str
    act: Callable[[], str]  # does it; returns what it did
    done_at: float | None = None  # wall clock, once done
    said: str = ""
    ends_at: float | None = None  # wall clock, when the fault lasts (a freeze)


def consumed_topics() -> list[str]:
    """Every topic a stage consumes (from the services' declarations)."""
    topics = {
        Topics.of(s.event) for svc in (CAPTURE, VERIFY, SCORE, ROUTER) for s in svc.subscriptions
    }
    return sorted(topics)


async def produce_poison(bootstrap: str, tag: str) -> list[bytes]:
    """Records no stage can decode, on every consumed topic; returns their values."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    sent: list[bytes] = []
    try:
        for topic in consumed_topics():
            for n in range(POISON_PER_TOPIC):
                value = (
                    json.dumps({"poison": tag, "topic": topic, "n": n}).encode()
                    if n % 2 == 0
                    else f"poison {tag} {topic} {n}: not JSON".encode()
                )
                await producer.send_and_wait(topic, value, key=uuid.uuid4().bytes)
                sent.append(value)
    finally:
        await producer.stop()
    return sent


class Faults:
    def __init__(self, stack: Stack, args: argparse.Namespace, tag: str) -> None:
        self.stack, self.args, self.tag = stack, args, tag
        self.poison: list[bytes] = []
        self.pgdata = args.state_dir.resolve() / "pgdata"

    def schedule(self) -> list[Fault]:
        faults = [Fault(2, "poison on every consumed topic", self.poison_all)]
        t = 5.0
        for _ in range(self.args.kills):
            for name in PROCESSES:
                faults.append(Fault(t, f"kill -9 {name}", self.killer(name)))
                t += 2.0
        faults.append(Fault(t + 2, "broker frozen for 15 s (SIGSTOP, SIGCONT)", self.freeze))
        faults.append(Fault(t + 22, "kill -9 broker", self.killer("tansu")))
        if self.args.postgres == "embedded" and not self.args.admin_url:
            faults.append(Fault(t + 52, "Postgres restarted (pg_ctl restart -m fast)", self.pg))
        return faults

    def poison_all(self) -> str:
        self.poison = asyncio.run(produce_poison(self.stack.bootstrap_servers, self.tag))
        return f"{len(self.poison)} records on {', '.join(consumed_topics())}"

    def killer(self, name: str) -> Callable[[], str]:
        def kill() -> str:
            pid = self.stack.pids().get(name)
            if pid is None:
                return f"{name} not running (being restarted)"
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                return f"{name} (pid {pid}) already gone"
            return f"pid {pid}"

        return kill

    def freeze(self) -> str:
        pid = self.stack.pids()["tansu"]
        os.kill(pid, signal.SIGSTOP)
        time.sleep(15)
        os.kill(pid, signal.SIGCONT)
        return f"pid {pid}"

    def pg(self) -> str:
        """``pg_ctl restart`` of the embedded server, as the system user it runs as (pgserver
        runs it as ``pgserver`` when started by root)."""
        import pgserver

        user = {"user": "pgserver"} if os.geteuid() == 0 else {}
        began = time.monotonic()
        try:
            pg_ctl = getattr(pgserver, "pg_ctl")  # noqa: B009 (made at import, unknown to mypy)
            pg_ctl(["restart", "-m", "fast", "-w"], pgdata=self.pgdata, **user)
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"pg_ctl restart failed: {exc}") from exc
        return f"down and up again in {time.monotonic() - began:.1f} s"


def stop_restarted_postgres(pgdata: Path) -> None:
    """The embedded server ``pg_ctl restart`` started is not the one the stack started and
    stops: stop it here, when it still runs (by its data folder's postmaster.pid)."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return
    import pgserver

    user = {"user": "pgserver"} if os.geteuid() == 0 else {}
    pg_ctl = getattr(pgserver, "pg_ctl")  # noqa: B009 (made at import, unknown to mypy)
    pg_ctl(["stop", "-m", "fast", "-w"], pgdata=pgdata, **user)


# --- the run --------------------------------------------------------------------------


@dataclass
class Answers:
    accepted: dict[str, float] = field(default_factory=dict)  # lead id → when it was due
    statuses: Counter[str] = field(default_factory=Counter)


def read_answers(record: Path) -> Answers:
    answers = Answers()
    for line in record.read_text().splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        answers.statuses[parts[3]] += 1
        if parts[3] == "202" and len(parts) > 4:
            answers.accepted[parts[4]] = float(parts[1])
    return answers


def run_load(
    stack: Stack, args: argparse.Namespace, progress: Progress
) -> tuple[Answers, list[Fault], list[bytes], float]:
    workdir = OUT / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"f{int(time.time())}"
    faults = Faults(stack, args, tag)
    schedule = faults.schedule()
    record = workdir / "answers.txt"
    phases = (
        f"{args.rate:g}:{args.seconds:g},{args.overload_rate:g}:{args.overload_seconds:g},"
        f"{args.rate:g}:10"
    )
    load = loadgen(stack.capture_port, phases, tag, record, "--progress=1", "--reconnect")
    started = time.time()
    progress.say(f"posting: {phases} (rate:seconds); {len(schedule)} faults on a schedule")
    try:
        pending = list(schedule)
        while load.process.poll() is None:
            now = time.time() - started
            while pending and pending[0].at <= now:
                fault = pending.pop(0)
                fault.done_at = time.time()
                fault.said = fault.act()
                fault.ends_at = time.time()
                progress.say(f"t={now:5.1f} s  {fault.name}: {fault.said}")
            time.sleep(0.1)
        if load.process.returncode != 0:
            raise RuntimeError(f"the load generator failed: {load.lines[-3:]}")
        answers = read_answers(record)
        last_post = max(answers.accepted.values(), default=time.time())
        progress.say(
            f"posting done: {sum(answers.statuses.values()):,} answers "
            f"({dict(answers.statuses)}); draining"
        )
        deadline = time.time() + args.drain_timeout
        seen: set[str] = set()
        while time.time() < deadline:
            seen = _outcome_leads(stack.bootstrap_servers)
            waiting = len(set(answers.accepted) - seen)
            progress.say(
                f"drain · {time.time() - last_post:5.1f} s after the last post · "
                f"{waiting:,} leads without an outcome"
            )
            if not waiting:
                break
            time.sleep(3)
        drained_at = time.time()
    finally:
        load.stop()
    return answers, schedule, faults.poison, drained_at - last_post


def _outcome_leads(bootstrap: str) -> set[str]:
    async def read() -> set[str]:
        leads: set[str] = set()
        for topic in (Topics.ROUTED, Topics.REJECTED):
            for r in await read_topic(bootstrap, topic):
                if r.key:
                    leads.add(r.key.decode())
        return leads

    return asyncio.run(read())


# --- the checks -----------------------------------------------------------------------


@dataclass
class Checks:
    accepted: int
    lost: list[str]
    routed_twice: list[str]
    two_outcomes: list[str]
    resent_copies: int  # records read more than once under one event id (re-sent)
    not_stored: list[str]
    no_db_outcome: list[str]
    dlq_poison: int
    dlq_other: int
    poison_missing: int
    decided_at: dict[str, float]  # when each lead was routed or rejected (the database)

    @property
    def passed(self) -> bool:
        return not (
            self.lost
            or self.routed_twice
            or self.two_outcomes
            or self.not_stored
            or self.no_db_outcome
            or self.dlq_other
            or self.poison_missing
        )


async def _rows(url: str, sql: str) -> dict[str, float]:
    """The first column (a lead id) of each row, with the second (a time) when there is
    one."""
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        return {str(r[0]): r[1].timestamp() if len(r) > 1 else 0.0 for r in await conn.fetch(sql)}
    finally:
        await conn.close()


async def check(
    bootstrap: str, urls: dict[str, str], answers: Answers, poison: list[bytes]
) -> Checks:
    """``urls``: each service's database URL, as the stack's services have them."""
    accepted = set(answers.accepted)
    routed: dict[str, set[uuid.UUID]] = defaultdict(set)
    rejected: dict[str, set[uuid.UUID]] = defaultdict(set)
    copies = Counter[uuid.UUID]()
    for topic, kind, into in (
        (Topics.ROUTED, LeadRouted, routed),
        (Topics.REJECTED, LeadRejected, rejected),
    ):
        for r in await read_topic(bootstrap, topic):
            event = kind.model_validate_json(r.value or b"{}")
            into[str(event.lead_id)].add(event.id)
            copies[event.id] += 1
    letters: dict[bytes, set[uuid.UUID]] = defaultdict(set)
    for r in await read_topic(bootstrap, Topics.DLQ):
        letter = DeadLetter.model_validate_json(r.value or b"{}")
        letters[base64.b64decode(letter.data.original_value_b64)].add(letter.id)
    stored = set(await _rows(urls["capture"], "SELECT id FROM capture.leads"))
    decided = await _rows(urls["router"], "SELECT lead_id, routed_at FROM router.assignments")
    decided |= await _rows(
        urls["verify"],
        "SELECT lead_id, verified_at FROM verify.verifications WHERE outcome = 'rejected'",
    )
    outcomes = set(routed) | set(rejected)
    return Checks(
        accepted=len(accepted),
        lost=sorted(accepted - outcomes),
        routed_twice=sorted(lead for lead in accepted if len(routed.get(lead, ())) > 1),
        two_outcomes=sorted(lead for lead in accepted if lead in routed and lead in rejected),
        resent_copies=sum(n - 1 for n in copies.values()),
        not_stored=sorted(accepted - stored),
        no_db_outcome=sorted(accepted - set(decided)),
        dlq_poison=sum(1 for value in poison if len(letters.get(value, ())) == 1),
        dlq_other=sum(1 for value in letters if value not in set(poison))
        + sum(1 for value in poison if len(letters.get(value, ())) > 1),
        poison_missing=sum(1 for value in poison if value not in letters),
        decided_at=decided,
    )


def recovery(fault: Fault, answers: Answers, times: dict[str, float]) -> str:
    """How long after the fault (its end, for a freeze) the first lead posted after it
    reached its outcome (routed or rejected, as the database says)."""
    if fault.ends_at is None:
        return "n/a"
    after = sorted((due, lead) for lead, due in answers.accepted.items() if due >= fault.ends_at)
    for _due, lead in after[:200]:
        if lead in times:
            return f"{times[lead] - fault.ends_at:.1f} s"
    return "no outcome read (see the checks)"


def render(
    args: argparse.Namespace,
    answers: Answers,
    faults: list[Fault],
    checks: Checks,
    drain_s: float,
) -> str:
    started = min((f.done_at for f in faults if f.done_at), default=time.time())
    status = ", ".join(f"{k}: {v:,}" for k, v in sorted(answers.statuses.items()))
    mark = "✔" if checks.passed else "✘"
    lines = [
        "# The fault suite",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} CPUs "
        f"({cpu_model()}); `make run`'s stack ({args.postgres} Postgres, Tansu in memory). "
        f"Posts of varied leads: {args.rate:g}/s for {args.seconds:g} s with the faults, "
        f"{args.overload_rate:g}/s for {args.overload_seconds:g} s (overload), {args.rate:g}/s "
        "for 10 s. Command: `make test-faults`.",
        "",
        f"## {mark} The outcome",
        "",
        "| | |",
        "|---|---:|",
        f"| answers | {status} |",
        f"| accepted (202) | {checks.accepted:,} |",
        f"| lost (202, no outcome on the topics) | {len(checks.lost):,} |",
        f"| routed twice (two `lead.routed` ids) | {len(checks.routed_twice):,} |",
        f"| two outcomes (routed and rejected) | {len(checks.two_outcomes):,} |",
        f"| not stored by capture | {len(checks.not_stored):,} |",
        f"| no outcome in the database | {len(checks.no_db_outcome):,} |",
        f"| outcome records re-sent under the same id (re-drive, relay retries) | "
        f"{checks.resent_copies:,} |",
        f"| poison records dead-lettered once / missing / other dead letters | "
        f"{checks.dlq_poison} / {checks.poison_missing} / {checks.dlq_other} |",
        f"| backlog drained after the last post | {drain_s:.1f} s |",
        "",
        "## The faults",
        "",
        "| t | fault | what happened | first lead posted after it reached its outcome in |",
        "|---:|---|---|---:|",
    ]
    for f in faults:
        at = (f.done_at - started + f.at) if f.done_at else f.at
        lines.append(
            f"| {at:.0f} s | {f.name} | {f.said} | {recovery(f, answers, checks.decided_at)} |"
        )
    for name, leads in (("lost", checks.lost), ("routed twice", checks.routed_twice)):
        if leads:
            lines += ["", f"{name} (first 20): {', '.join(leads[:20])}"]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress("faults")
    stack, shared = fresh_stack(
        postgres=args.postgres,
        admin_url=args.admin_url,
        state_dir=args.state_dir,
        database=DATABASE,
        ready_timeout_s=120,
        repo=ROOT,
    )
    progress.say(f"starting leadflow-local run (state in {args.state_dir})")
    stack.start()
    try:
        stack.wait_ready(180)
        answers, faults, poison, drain_s = run_load(stack, args, progress)
        settings = json.loads((args.state_dir.resolve() / "run-settings.json").read_text())
        urls = {s: settings[s]["LEADFLOW_DATABASE_URL"] for s in SERVICES}
        checks = asyncio.run(check(stack.bootstrap_servers, urls, answers, poison))
    except (StackFailed, RuntimeError) as exc:
        print(f"{exc}\n{stack.diagnostics()}", file=sys.stderr)
        return 2
    finally:
        progress.say("stopping the stack (SIGINT)")
        stack.stop()
        stop_restarted_postgres(args.state_dir.resolve() / "pgdata")
        if shared:
            drop_database(shared, DATABASE)
    text = render(args, answers, faults, checks, drain_s)
    publish_report(args.report, text)
    progress.say(f"report written to {args.report}")
    return 0 if checks.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
