"""Handlers get their ports by name, once; a missing port fails at start, not mid-batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from leadflow_shared.ports import Clock
from leadflow_shared.service.runtime import inject


class FixedClock(Clock):
    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)


async def needs_a_clock(uow: Any, events: Sequence[Any], *, clock: Clock) -> None:
    events[0].append(clock.now())


async def needs_nothing(uow: Any, events: Sequence[Any]) -> None:
    events[0].append("called")


async def has_a_default(uow: Any, events: Sequence[Any], *, mailer: object = None) -> None:
    events[0].append(mailer)


async def test_a_handler_is_bound_to_the_ports_it_names() -> None:
    seen: list[Any] = []
    await inject(needs_a_clock, {"clock": FixedClock(), "other": 1})(None, [seen])  # type: ignore[arg-type]
    await inject(needs_nothing, {"clock": FixedClock()})(None, [seen])  # type: ignore[arg-type]
    await inject(has_a_default, {})(None, [seen])  # type: ignore[arg-type]
    assert seen == [datetime(2026, 1, 1, tzinfo=UTC), "called", None]


def test_a_port_nobody_provides_is_refused_when_binding() -> None:
    with pytest.raises(TypeError, match=r"needs ports nobody provides: \['clock'\]"):
        inject(needs_a_clock, {})
