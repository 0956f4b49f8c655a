"""``leadflow-local run`` as ``make run`` starts it, on free loopback ports, for a benchmark
or an end-to-end test.

It runs in its own session with its own state folder. ``stop()`` sends it SIGINT (Ctrl-C)
and waits; should it hang, its process group and those of the processes it started (from
``run.pids``) are killed by PID. Nothing is ever looked up or killed by name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from leadflow_local.postgres import drop_database, local_admin_url
from leadflow_local.processes import log_tail
from tests.infra import StackPorts

READY_LINE = "Press Ctrl-C to stop."


class StackFailed(RuntimeError):
    """The stack did not start; ``Stack.diagnostics()`` tells why."""


@dataclass(frozen=True)
class StackOptions:
    repo: Path
    state_dir: Path
    postgres: str  # embedded or local, as `leadflow-local run --postgres`
    admin_url: str | None  # a server of your choice (overrides postgres)
    database: str
    ready_timeout_s: float
    pages: bool = False  # serve the example landing page


class Stack:
    def __init__(self, options: StackOptions) -> None:
        self.o = options
        self.ports = StackPorts.free()
        self.kafka_port = self.ports.kafka
        self.port_base = self.ports.api_base
        self.consumer_port_base = self.ports.consumer_base
        self.lines: deque[str] = deque(maxlen=200)
        self.ready = threading.Event()
        self.process: subprocess.Popen[str] | None = None
        self._pids: dict[str, int] = {}

    @property
    def capture_port(self) -> int:
        return self.port_base

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    def start(self) -> None:
        o = self.o
        shutil.rmtree(o.state_dir, ignore_errors=True)
        o.state_dir.mkdir(parents=True)
        command = [
            str(Path(sys.executable).parent / "leadflow-local"),
            "run",
            "--kafka-port",
            str(self.kafka_port),
            "--port-base",
            str(self.port_base),
            "--consumer-port-base",
            str(self.consumer_port_base),
            "--pages-port",
            str(self.ports.pages if o.pages else 0),
            "--state-dir",
            str(o.state_dir),
            "--postgres",
            o.postgres,
            "--database",
            o.database,
            "--ready-timeout",
            str(o.ready_timeout_s),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env["PYTHONUNBUFFERED"] = "1"
        if o.admin_url:
            env["LEADFLOW_ADMIN_DATABASE_URL"] = o.admin_url
        self.process = subprocess.Popen(
            command,
            cwd=o.repo,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            if not self.ready.is_set() and line.strip():
                print(f"  stack: {line}", file=sys.stderr, flush=True)
            if line.strip() == READY_LINE:
                self.ready.set()
        self.ready.set()  # it ended: stop waiting

    def wait_ready(self, timeout_s: float) -> None:
        assert self.process is not None
        self.ready.wait(timeout_s)
        if self.process.poll() is None and READY_LINE in self.lines:
            return
        why = "ended" if self.process.poll() is not None else f"not ready after {timeout_s:g} s"
        raise StackFailed(f"leadflow-local run {why}")

    def diagnostics(self) -> str:
        """The end of its output and of each of its logs."""
        parts = ["--- leadflow-local run (last lines)", *list(self.lines)[-30:]]
        for log in sorted((self.o.state_dir / "logs").glob("*.log")):
            parts += [f"--- {log} (last lines)", log_tail(log, 15) or "(empty)"]
        return "\n".join(parts)

    def pids(self) -> dict[str, int]:
        """What it runs now, by name: capture-api, …, tansu, and postgres when embedded
        (a process it started again under its new PID); once it has stopped, what it ran
        when last asked."""
        try:
            text = (self.o.state_dir / "run.pids").read_text()
        except FileNotFoundError:
            return self._pids
        rows = (line.split() for line in text.splitlines() if line.strip())
        self._pids = {name: int(pid) for pid, name in rows}
        return self._pids

    def stop(self, timeout_s: float = 60) -> int | None:
        """Ctrl-C, then wait; kill by process group if it hangs. Returns its exit code."""
        process = self.process
        if process is None or process.poll() is not None:
            return None if process is None else process.returncode
        with contextlib.suppress(OSError, ValueError):
            self.pids()  # for the fallback below: the file is gone once it has stopped
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            print("  stack: did not stop in time; killing what it started", file=sys.stderr)
        for pgid in (process.pid, *self._pids.values()):  # each runs in its own session
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        return process.wait()


def fresh_stack(
    *,
    postgres: str,
    admin_url: str | None,
    state_dir: Path,
    database: str,
    ready_timeout_s: float,
    repo: Path,
) -> tuple[Stack, str | None]:
    """A stack on a database of its own: on a shared server (``--admin-url`` or the local
    one) its database is dropped first; returns the stack and that server's admin URL (None
    for the embedded one, which the stack starts afresh in its state folder)."""
    shared = admin_url or (local_admin_url() if postgres == "local" else None)
    if postgres == "local" and shared is None:
        raise SystemExit("--postgres local: nothing listens on 127.0.0.1:5432")
    if shared:
        drop_database(shared, database)
    options = StackOptions(
        repo=repo,
        state_dir=state_dir.resolve(),
        postgres=postgres,
        admin_url=admin_url,
        database=database,
        ready_timeout_s=ready_timeout_s,
    )
    return Stack(options), shared
