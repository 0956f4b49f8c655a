"""Smooth weighted round robin, for reps and for partners sharing a territory.

Every one in the running gains their weight in credit; the one with the most credit gets
the lead and gives back the running's total weight. Ties go to whoever was never picked,
then to whoever waited longest, then by id: never by when one was created. Among the same
runners, each cycle of as many leads as their weights add up to gives each exactly their
weight's share, interleaved rather than in bursts; after any number of leads each has their
weight's share give or take one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Runner:
    id: str
    weight: int
    credit: int
    last: datetime | None  # when last picked (None: never)


def _order(runner: Runner) -> tuple[int, bool, datetime | str, str]:
    waited: tuple[bool, datetime | str] = (
        (False, "") if runner.last is None else (True, runner.last)
    )
    return (-(runner.credit + runner.weight), *waited, runner.id)


def pick(running: Sequence[Runner]) -> tuple[int, tuple[tuple[str, int], ...], str]:
    """The index of the pick among ``running``, every runner's credit after it, and the
    pick's share when weights differ (" (weight 2 of 3)", else "")."""
    chosen = min(range(len(running)), key=lambda n: _order(running[n]))
    total = sum(r.weight for r in running)
    credits = tuple(
        (r.id, r.credit + r.weight - (total if n == chosen else 0)) for n, r in enumerate(running)
    )
    weighted = len({r.weight for r in running}) > 1
    share = f" (weight {running[chosen].weight} of {total})" if weighted else ""
    return chosen, credits, share
