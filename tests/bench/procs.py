"""What processes use, read from /proc: CPU time, process trees, peak resident memory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Stat:
    name: str
    parent: int
    ticks: int  # user + system CPU of the process itself
    child_ticks: int  # user + system CPU of its children that ended and were waited for


def read_stat(pid: int) -> Stat | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return Stat(
        name=raw[raw.index("(") + 1 : raw.rindex(")")],
        parent=int(fields[1]),
        ticks=int(fields[11]) + int(fields[12]),
        child_ticks=int(fields[13]) + int(fields[14]),
    )


def process_table() -> dict[int, Stat]:
    """Every process on the machine."""
    found: dict[int, Stat] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def descendants(roots: set[int], table: dict[int, Stat]) -> set[int]:
    """The roots and every process below them (those still running)."""
    tree = set(roots) & table.keys()
    grew = True
    while grew:
        kids = {pid for pid, stat in table.items() if stat.parent in tree} - tree
        grew = bool(kids)
        tree |= kids
    return tree


def tree_ticks(roots: set[int], table: dict[int, Stat]) -> int:
    """CPU ticks used so far by the roots and their descendants, those that ended included
    (each ended process counts in its parent once waited for, e.g. Postgres's backends in
    the postmaster, uvicorn's workers in their supervisor)."""
    return sum(table[pid].ticks + table[pid].child_ticks for pid in descendants(roots, table))


def tree_cpu_s(root: int, table: dict[int, Stat]) -> float:
    return tree_ticks({root}, table) / TICKS_PER_S


def machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, its CPUs together (/proc/stat).
    Busy counts time the hypervisor gave to other machines (steal) too."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in fields)
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def peak_rss_bytes(pid: int) -> int | None:
    """The highest resident set size the process has had (VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def others_share(
    before: dict[int, Stat], after: dict[int, Stat], ours: set[int], seconds: float
) -> float:
    """The share of the machine's CPUs (0..1) that processes outside ``ours`` used between
    two tables taken ``seconds`` apart: noise from whatever else runs on the machine."""
    ticks = sum(
        stat.ticks - (before[pid].ticks if pid in before else 0)
        for pid, stat in after.items()
        if pid not in ours
    )
    return max(0.0, ticks / (seconds * TICKS_PER_S * (os.cpu_count() or 1)))
