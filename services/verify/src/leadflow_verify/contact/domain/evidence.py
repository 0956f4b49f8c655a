"""How checks travel: those that found nothing about one field go as one.

A normal lead's report then reads "not disposable; not a role mailbox; …" in one line per
field instead of one check each, and its events (which carry every check to score and
router) stay small. A check that flagged or failed always travels on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from leadflow_shared.events.v1 import Check


def merge_quiet(
    name: str, field: str, checks: Iterable[Check], group: frozenset[str]
) -> tuple[Check, ...]:
    """The checks, those of ``group`` that passed finding nothing merged into one check
    ``name`` (their evidence joined) in place of the first of them; a lone quiet check
    stays as it is."""
    checks = tuple(checks)
    quiet = [
        i
        for i, c in enumerate(checks)
        if c.name in group and c.status == "passed" and not c.findings
    ]
    if len(quiet) < 2:
        return checks
    merged = Check(
        name=name,
        passed=True,
        status="passed",
        field=field,
        evidence="; ".join(dict.fromkeys(checks[i].evidence for i in quiet)),
    )
    first, rest = quiet[0], set(quiet[1:])
    return tuple(merged if i == first else c for i, c in enumerate(checks) if i not in rest)
