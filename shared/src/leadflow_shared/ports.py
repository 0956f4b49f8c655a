"""Ports: the collaborators handlers are given rather than reach for, so that tests can
hand in fakes that subclass them (the clock here; a service adds its own, such as a DNS
resolver or a partner client)."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """The current time, always timezone-aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)
