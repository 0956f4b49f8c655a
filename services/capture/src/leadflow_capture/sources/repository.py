"""sources' queries."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadflow_capture.sources.domain import ManagedByConfig, Source
from leadflow_capture.sources.tables import sources
from leadflow_shared.uow import UnitOfWork


class SourceRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.session = uow.session

    async def all(self) -> list[tuple[Source, str]]:
        rows = await self.session.execute(sa.select(sources.c.definition, sources.c.managed_by))
        return [(Source.model_validate(r.definition), r.managed_by) for r in rows]

    async def managed_by(self, source_id: str) -> str | None:
        return await self.session.scalar(
            sa.select(sources.c.managed_by).where(sources.c.id == source_id)
        )

    async def sync_config(self, configured: Iterable[Source]) -> None:
        """Make the config-managed sources match the file; API-managed ones are kept."""
        rows = [
            {"id": s.id, "definition": s.model_dump(mode="json"), "managed_by": "config"}
            for s in sorted(configured, key=lambda s: s.id)
        ]
        if rows:
            stmt = pg_insert(sources).values(rows)
            await self.session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["id"],
                    set_={
                        "definition": stmt.excluded.definition,
                        "managed_by": stmt.excluded.managed_by,
                        "updated_at": sa.func.now(),
                    },
                )
            )
        await self.session.execute(
            sa.delete(sources).where(
                sources.c.managed_by == "config", sources.c.id.not_in([r["id"] for r in rows])
            )
        )

    async def put(self, source: Source) -> bool:
        """Create or replace an API-managed source; returns True when it was created.
        Raises ManagedByConfig for a source of the config file."""
        insert = pg_insert(sources).values(
            id=source.id, definition=source.model_dump(mode="json"), managed_by="api"
        )
        stmt = insert.on_conflict_do_update(
            index_elements=["id"],
            set_={"definition": insert.excluded.definition, "updated_at": sa.func.now()},
            where=sources.c.managed_by == "api",
        )
        # xmax = 0 on the returned row: it was inserted, not updated.
        inserted = sa.literal_column("xmax = 0", sa.Boolean).label("created")
        created: bool | None = (
            await self.session.execute(stmt.returning(inserted))
        ).scalar_one_or_none()
        if created is None:
            raise ManagedByConfig(source.id)
        return bool(created)

    async def delete(self, source_id: str) -> bool:
        result = await self.session.execute(
            sa.delete(sources).where(sources.c.id == source_id, sources.c.managed_by == "api")
        )
        return bool(getattr(result, "rowcount", 0))
