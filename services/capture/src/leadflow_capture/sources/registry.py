"""The sources a capture process knows: from Postgres, cached for a moment.

The config file's sources are written to the ``sources`` table on first use; sources the
admin API adds live only there. Every process re-reads the table at most every
``refresh_s`` seconds, and at once after its own changes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from leadflow_capture.sources.domain import Source
from leadflow_capture.sources.handlers import list_sources, sync_config_sources
from leadflow_shared.db import Database
from leadflow_shared.logging import get_logger

log = get_logger(__name__)


class SourceRegistry:
    def __init__(self, db: Database, configured: Sequence[Source], refresh_s: float = 2.0) -> None:
        self.db = db
        self.configured = tuple(configured)
        self.refresh_s = refresh_s
        self._sources: dict[str, tuple[Source, str]] = {}
        self._loaded_at = float("-inf")
        self._synced = False
        self._lock = asyncio.Lock()

    async def get(self, source_id: str) -> Source | None:
        entry = (await self._current()).get(source_id)
        return entry[0] if entry is not None else None

    async def all(self) -> list[tuple[Source, str]]:
        return sorted((await self._current()).values(), key=lambda e: e[0].id)

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")

    async def _current(self) -> dict[str, tuple[Source, str]]:
        if time.monotonic() - self._loaded_at < self.refresh_s:
            return self._sources
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self.refresh_s:
                try:
                    await self._reload()
                except Exception as exc:
                    if not self._synced:
                        raise  # never loaded: nothing to fall back on
                    # Postgres is away: keep answering with the sources last seen (a lead
                    # cannot be stored now anyway, but the client gets the right answer).
                    log.warning("sources not reloaded; using the last ones", error=repr(exc))
        return self._sources

    async def _reload(self) -> None:
        if not self._synced:
            await sync_config_sources(self.db.unit_of_work(), self.configured)
        loaded = await list_sources(self.db.unit_of_work())
        self._sources = {s.id: (s, managed_by) for s, managed_by in loaded}
        self._synced = True
        self._loaded_at = time.monotonic()
