"""sources' use cases: each opens its unit of work and commits what it changed."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_capture.sources.domain import ManagedByConfig, Source
from leadflow_capture.sources.repository import SourceRepository
from leadflow_shared.errors import Conflict, NotFound
from leadflow_shared.uow import UnitOfWork


async def list_sources(uow: UnitOfWork) -> list[tuple[Source, str]]:
    async with uow:
        return await SourceRepository(uow).all()


async def sync_config_sources(uow: UnitOfWork, configured: Sequence[Source]) -> None:
    async with uow:
        await SourceRepository(uow).sync_config(configured)
        await uow.commit()


async def put_source(uow: UnitOfWork, source: Source) -> bool:
    """Create or replace an API-managed source; returns True when it was created."""
    async with uow:
        try:
            created = await SourceRepository(uow).put(source)
        except ManagedByConfig as exc:
            raise Conflict(str(exc), code="managed_by_config") from None
        await uow.commit()
    return created


async def delete_source(uow: UnitOfWork, source_id: str) -> None:
    async with uow:
        repo = SourceRepository(uow)
        if await repo.managed_by(source_id) == "config":
            raise Conflict(str(ManagedByConfig(source_id)), code="managed_by_config")
        if not await repo.delete(source_id):
            raise NotFound(f"no source {source_id!r}")
        await uow.commit()
