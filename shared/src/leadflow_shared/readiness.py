"""Readiness of a process: named conditions that each part of it reports as they change."""

from __future__ import annotations

from collections.abc import Iterable


class Readiness:
    """``ready`` once every condition named at the start has been reported true."""

    def __init__(self, conditions: Iterable[str]) -> None:
        self._state = dict.fromkeys(conditions, False)

    def report(self, condition: str, ok: bool) -> None:
        if condition not in self._state:
            raise KeyError(f"unknown readiness condition {condition!r}")
        self._state[condition] = ok

    @property
    def ready(self) -> bool:
        return all(self._state.values())

    def conditions(self) -> dict[str, bool]:
        return dict(self._state)
