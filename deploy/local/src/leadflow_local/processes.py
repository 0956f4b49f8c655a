"""Child processes of ``leadflow-local run``: each in its own process group, logging to a file.

Every child is started with ``start_new_session=True``, so its process group id is its PID:
a Ctrl-C in the terminal reaches only the launcher, which then stops each group it started
(``os.killpg`` on that PID) in an orderly way. Nothing is ever looked up or killed by name.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def service_command(service: str, *args: str) -> list[str]:
    """``leadflow-<service> <args>``: the console script next to this interpreter."""
    script = Path(sys.executable).parent / f"leadflow-{service}"
    if script.exists():
        return [str(script), *args]
    # Installed without console scripts: call the same entry point through the interpreter.
    code = f"from leadflow_{service}.cli import main; main()"
    return [sys.executable, "-c", code, *args]


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def describe_exit(self) -> str:
        code = self.returncode
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def signal_group(self, sig: signal.Signals) -> None:
        """Signal the process group this child leads (its pgid is its PID)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)


def spawn(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    log_path: Path,
    cwd: Path,
    *,
    append: bool = False,
) -> Child:
    """Start ``argv`` in a session of its own, its output to ``log_path`` (a fresh log, or
    appended to: a restarted process keeps what its crash wrote)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab" if append else "wb") as log:  # the child keeps its own handle
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Child(name, process, log_path)


def stop_children(
    children: Sequence[Child],
    timeout_s: float = 10.0,
    hurry: Callable[[], bool] = lambda: False,
) -> list[Child]:
    """SIGTERM every child's process group, wait up to ``timeout_s`` (or until ``hurry()``
    says so), then SIGKILL the rest. Returns the children that had to be killed."""
    running = [c for c in children if c.returncode is None]
    for child in running:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while any(c.returncode is None for c in running):
        if time.monotonic() > deadline or hurry():
            break
        time.sleep(0.05)
    killed = [c for c in running if c.returncode is None]
    for child in killed:
        child.signal_group(signal.SIGKILL)
    for child in running:
        child.process.wait()
    return killed
