"""Driving the pipeline benchmark: the outcome reader, the load generator, the phases and
the drain, with a progress line on stderr every second."""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.bench.pipeline_report import Usage
from tests.bench.sampling import Sampler, Ticks
from tests.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
TICK_S = 0.05


def add_stack_options(p: argparse.ArgumentParser) -> None:
    """The options of a benchmark that starts its own services: the seed of its varied
    leads and which Postgres they use."""
    p.add_argument("--seed", type=int, default=1, help="of the varied leads")
    p.add_argument(
        "--postgres",
        choices=("embedded", "local"),
        default="embedded",
        help="as `leadflow-local run --postgres` (default: embedded, as `make run`)",
    )
    p.add_argument("--admin-url", help="admin URL of a Postgres server to use instead")


class Progress:
    def __init__(self, bench: str = "pipeline") -> None:
        self.bench = bench
        self.t0 = time.monotonic()

    def say(self, message: str) -> None:
        print(
            f"[{self.bench} {time.monotonic() - self.t0:6.1f}s] {message}",
            file=sys.stderr,
            flush=True,
        )


class Child:
    """A helper process of this bench (ours: stopped by its PID), its stdout read by line."""

    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        self.first_line = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.first_line.set()
        self.first_line.set()

    def stop(self, timeout_s: float = 15) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class OutcomeReader(Child):
    """``tests.bench.outcomes`` on the stack's broker (on its default topics unless
    ``topics`` are given); ``poll()`` takes in what it wrote."""

    def __init__(
        self,
        bootstrap_servers: str,
        out: Path,
        topics: Sequence[str] = (),
        *,
        with_outcome: bool = False,
    ) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("")
        self.out = out
        options = [f"--topics={','.join(topics)}"] if topics else []
        super().__init__(
            [
                "-m",
                "tests.bench.outcomes",
                "--bootstrap-servers",
                bootstrap_servers,
                "--out",
                str(out),
                *options,
                *(["--with-outcome"] if with_outcome else []),
            ]
        )
        self.first_line.wait(60)
        if self.lines[:1] != ["ready"]:
            self.stop()
            raise RuntimeError(f"the outcome reader did not start: {self.lines}")
        self.seen: set[str] = set()  # lead ids read so far
        self._offset = 0

    def poll(self) -> None:
        with open(self.out, "rb") as f:
            f.seek(self._offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._offset += len(complete)
        self.seen.update(line.split(" ", 3)[2] for line in complete.decode().splitlines())


def loadgen(port: int, phases: str, tag: str, record: Path, *options: str) -> Child:
    return Child(
        [
            "-m",
            "tests.bench.loadgen",
            f"--port={port}",
            "--mode=open",
            f"--phases={phases}",
            "--leads=varied",
            f"--tag={tag}",
            f"--record={record}",
            *options,
        ]
    )


def accepted_ids(record: Path) -> set[str]:
    return {line.split()[4] for line in record.read_text().splitlines() if line.split()[3] == "202"}


def warm_up(
    stack: Stack,
    workdir: Path,
    progress: Progress,
    *,
    rate: float,
    seconds: float,
    what: str = "warm-up",
    timeout_s: float = 60,
) -> None:
    """Leads through the whole pipeline at ``rate`` for ``seconds``, not measured; returns
    once each has its outcome."""
    progress.say(f"{what}: {rate * seconds:,.0f} leads at {rate:,.0f}/s")
    workdir.mkdir(parents=True, exist_ok=True)
    reader = OutcomeReader(stack.bootstrap_servers, workdir / "outcomes.txt")
    try:
        record = workdir / "answers.txt"
        load = loadgen(stack.capture_port, f"{rate:g}:{seconds:g}", f"w{int(time.time())}", record)
        if load.process.wait() != 0:
            raise RuntimeError(f"the {what}'s load generator failed: {load.lines[-3:]}")
        expected = accepted_ids(record)
        deadline = time.monotonic() + timeout_s
        while not expected <= reader.seen and time.monotonic() < deadline:
            time.sleep(0.2)
            reader.poll()
        missing = len(expected - reader.seen)
        progress.say(f"{what}: {len(expected)} accepted, {missing} without an outcome")
    finally:
        reader.stop()


class LoadRun:
    """The measured run: phases of posts, then the drain; readings at each phase's start
    and at the end of the drain."""

    def __init__(
        self,
        stack: Stack,
        sampler: Sampler,
        progress: Progress,
        workdir: Path,
        *,
        phases: list[tuple[float, float]],
        drain_timeout_s: float,
        loadgen_options: Sequence[str],
    ) -> None:
        self.stack, self.sampler, self.progress = stack, sampler, progress
        self.phases = phases
        self.drain_timeout_s = drain_timeout_s
        self.loadgen_options = loadgen_options
        self.answers_file = workdir / "answers.txt"
        self.outcomes_file = workdir / "outcomes.txt"
        self.started = 0.0  # when the first post fell due (wall clock)
        self.deadline = 0.0  # when the drain gave up waiting
        self.usage: list[Usage] = []
        self.others: list[float] = []
        self.client: dict[str, Any] = {}
        self._ticks: list[Ticks] = []
        self._last_shown = 0.0

    def execute(self) -> None:
        reader = OutcomeReader(self.stack.bootstrap_servers, self.outcomes_file)
        phases = ",".join(f"{r:g}:{s:g}" for r, s in self.phases)
        load = loadgen(
            self.stack.capture_port,
            phases,
            f"p{int(time.time())}",
            self.answers_file,
            "--progress=1",
            *self.loadgen_options,
        )
        try:
            self._post(load, reader)
            self._drain(reader)
        finally:
            load.stop()
            reader.stop()

    def _read_sample(self) -> None:
        usage, ticks = self.sampler.sample()
        if self._ticks:
            self.others.append(self.sampler.others(self._ticks[-1], ticks))
        self.usage.append(usage)
        self._ticks.append(ticks)

    def _post(self, load: Child, reader: OutcomeReader) -> None:
        """Until the load generator is done; a reading as each phase starts."""
        starts: list[float] = []
        while load.process.poll() is None:
            time.sleep(TICK_S)
            latest = _latest(load)
            if not starts and "started" in latest:
                self.started = latest["started"]
                offsets = itertools.accumulate((s for _, s in self.phases[:-1]), initial=0.0)
                starts = [self.started + offset for offset in offsets]
            now = time.time()
            if len(self.usage) < len(starts) and now >= starts[len(self.usage)]:
                self._read_sample()
            if starts and self._time_to_show(now):
                reader.poll()
                i = bisect.bisect_right(starts, now) - 1
                self._show(
                    f"phase {i + 1}/{len(starts)} ({self.phases[i][0]:,.0f}/s) · "
                    f"{now - starts[i]:5.1f} s · posted {latest['posted']:,}",
                    latest["accepted"],
                    len(reader.seen),
                )
        if len(self.usage) < len(self.phases) or load.process.returncode != 0:
            raise RuntimeError(f"the load generator ended early: {load.lines[-3:]}")
        self.client = json.loads(load.lines[-1])

    def _drain(self, reader: OutcomeReader) -> None:
        """Until every accepted lead has its outcome, or the drain timeout; a last reading."""
        expected = accepted_ids(self.answers_file)
        lines = self.answers_file.read_text().splitlines()
        last_post = max(float(line.split()[1]) for line in lines)
        self.deadline = last_post + self.drain_timeout_s
        self.progress.say(f"posting done; waiting up to {self.drain_timeout_s:g} s for the backlog")
        while time.time() < self.deadline:
            reader.poll()
            if expected <= reader.seen:
                break
            now = time.time()
            if self._time_to_show(now):
                where = f"drain · {now - last_post:5.1f} s after the last post"
                self._show(where, len(expected), len(expected & reader.seen))
            time.sleep(0.2)
        self._read_sample()
        self.deadline = min(self.deadline, time.time())

    def _time_to_show(self, now: float) -> bool:
        if now - self._last_shown < 1.0:
            return False
        self._last_shown = now
        return True

    def _show(self, where: str, accepted: int, outcomes: int) -> None:
        self.progress.say(
            f"{where} · accepted {accepted:,} · outcomes {outcomes:,} · "
            f"backlog {accepted - outcomes:,}"
        )


def _latest(load: Child) -> dict[str, Any]:
    """The load generator's last progress line (its result, the last line, has no start)."""
    for line in reversed(load.lines):
        with contextlib.suppress(ValueError):
            found: dict[str, Any] = json.loads(line)
            if "started" in found:
                return found
    return {}
