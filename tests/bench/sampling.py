"""What the stack's processes use: CPU and peak memory of each, other processes' CPU."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from leadflow_local.postgres import plain_dsn
from tests.bench.pipeline_report import Idle, Usage
from tests.bench.procs import (
    Stat,
    descendants,
    machine_ticks,
    peak_rss_bytes,
    process_table,
    read_stat,
    tree_cpu_s,
    tree_ticks,
)


@dataclass(frozen=True)
class Ticks:
    """CPU ticks so far: the machine's (busy, all) and this bench's with the stack's."""

    busy: int
    total: int
    ours: int


class Sampler:
    """Readings of named processes (``capture-api`` … ``tansu``, ``postgres``), each with
    its descendants."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def sample(self) -> tuple[Usage, Ticks]:
        busy, total = machine_ticks()
        table = process_table()
        usage = Usage(
            at=time.time(),
            cpu_s={name: tree_cpu_s(pid, table) for name, pid in self.pids.items()},
            rss={name: self._rss(pid, table) for name, pid in self.pids.items()},
        )
        return usage, Ticks(busy, total, tree_ticks({os.getpid(), *self.pids.values()}, table))

    @staticmethod
    def _rss(root: int, table: dict[int, Stat]) -> list[int]:
        found = (peak_rss_bytes(pid) for pid in sorted(descendants({root}, table)))
        return [b for b in found if b is not None] or [0]

    @staticmethod
    def others(before: Ticks, after: Ticks) -> float:
        """The share of the machine's CPUs that went to neither the stack nor this bench
        (other processes, short-lived ones included, and the hypervisor's other guests)."""
        busy = (after.busy - before.busy) - (after.ours - before.ours)
        return max(0.0, busy / max(1, after.total - before.total))

    def idle(self, seconds: float) -> Idle:
        before, ticks0 = self.sample()
        time.sleep(seconds)
        after, ticks1 = self.sample()
        return Idle(
            seconds=after.at - before.at,
            cpu_s={n: after.cpu_s[n] - before.cpu_s[n] for n in self.pids},
            others=self.others(ticks0, ticks1),
        )


def postgres_version(pid: int) -> str:
    """``16.2``, from the server's own binary."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    found = re.search(r"\(PostgreSQL\) (\S+)", done.stdout)
    return found.group(1) if found else done.stdout.strip()


def shared_postmaster(admin_url: str) -> int | None:
    """The postmaster of a server on this machine: the parent of our own backend."""

    async def backend() -> int:
        conn = await asyncpg.connect(plain_dsn(admin_url))
        try:
            return int(await conn.fetchval("SELECT pg_backend_pid()"))
        finally:
            await conn.close()

    stat = read_stat(asyncio.run(backend()))
    return stat.parent if stat is not None and Path(f"/proc/{stat.parent}").exists() else None


def stack_processes(
    started: dict[str, int], shared_server: str | None
) -> tuple[dict[str, int], str]:
    """What to measure, by name, and which Postgres it is: the embedded server
    ``leadflow-local run`` started (in its ``run.pids``), or the server given."""
    pids = dict(started)
    if "postgres" in pids:
        return pids, f"Postgres {postgres_version(pids['postgres'])} (embedded, as `make run`)"
    postmaster = shared_postmaster(shared_server) if shared_server else None
    if postmaster is None:
        return pids, "Postgres (not on this machine: its CPU and memory are not measured)"
    pids["postgres"] = postmaster
    return pids, (
        f"Postgres {postgres_version(postmaster)} (a server shared with other work: "
        "its CPU is the whole server's)"
    )
