"""What the stack's processes use: CPU and peak memory of each, other processes' CPU."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import asyncpg

from leadflow_local.postgres import plain_dsn
from tests.bench.pipeline_report import Idle, Usage
from tests.bench.procs import (
    Stat,
    descendants,
    others_share,
    peak_rss_bytes,
    process_table,
    read_stat,
    tree_cpu_s,
)


class Sampler:
    """Readings of named processes (``capture-api`` … ``tansu``, ``postgres``), each with
    its descendants."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.cpus = os.cpu_count() or 1

    def sample(self) -> tuple[Usage, dict[int, Stat]]:
        table = process_table()
        usage = Usage(
            at=time.time(),
            cpu_s={name: tree_cpu_s(pid, table) for name, pid in self.pids.items()},
            rss={name: self._rss(pid, table) for name, pid in self.pids.items()},
        )
        return usage, table

    @staticmethod
    def _rss(root: int, table: dict[int, Stat]) -> list[int]:
        found = (peak_rss_bytes(pid) for pid in sorted(descendants({root}, table)))
        return [b for b in found if b is not None] or [0]

    def others(self, before: dict[int, Stat], after: dict[int, Stat], seconds: float) -> float:
        """Share of the CPUs used by processes that are neither the stack nor this bench."""
        ours = descendants({os.getpid(), *self.pids.values()}, after)
        return others_share(before, after, ours, seconds)

    def idle(self, seconds: float) -> Idle:
        before, table0 = self.sample()
        time.sleep(seconds)
        after, table1 = self.sample()
        took = after.at - before.at
        return Idle(
            seconds=took,
            cpu_s={n: after.cpu_s[n] - before.cpu_s[n] for n in self.pids},
            others=self.others(table0, table1, took),
        )


def postgres_version(pid: int) -> str:
    """``16.2``, from the server's own binary."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.split()[-1]


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
