"""All of capture's queries. Multi-row statements, so that one transaction can hold many
leads (group commit); rows are sorted so that concurrent transactions lock in one order."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_capture.domain.sources import Source
from leadflow_capture.tables import dedupe_keys, leads, seen_signatures, sources, spam_counts

Key = tuple[str, str]  # (source_id, key)


def _claim_signature() -> Any:
    insert = pg_insert(seen_signatures)
    return insert.on_conflict_do_update(
        index_elements=["digest"],
        set_={"expires_at": insert.excluded.expires_at},
        where=seen_signatures.c.expires_at < sa.func.now(),
    ).returning(seen_signatures.c.digest)


def _claim_key() -> Any:
    insert = pg_insert(dedupe_keys)
    return insert.on_conflict_do_update(
        index_elements=["source_id", "key"],
        set_={"lead_id": insert.excluded.lead_id, "expires_at": insert.excluded.expires_at},
        where=dedupe_keys.c.expires_at < sa.func.now(),
    ).returning(dedupe_keys.c.source_id, dedupe_keys.c.key, dedupe_keys.c.lead_id)


# Built once and executed with a list of rows (executemany), so that SQLAlchemy compiles
# each only once; a multi-row .values([...]) would be compiled anew for every batch.
CLAIM_SIGNATURE = _claim_signature()
CLAIM_KEY = _claim_key()


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_signatures(self, expiring: Mapping[str, datetime]) -> set[str]:
        """Remember signatures; returns those not seen before (the others are replays)."""
        if not expiring:
            return set()
        rows = [{"digest": d, "expires_at": expiring[d]} for d in sorted(expiring)]
        return set((await self.session.execute(CLAIM_SIGNATURE, rows)).scalars())

    async def claim_keys(
        self, wanted: Mapping[Key, tuple[uuid.UUID, datetime]]
    ) -> dict[Key, uuid.UUID]:
        """Claim dedupe keys for new leads. Returns the lead id of every key: the new one
        where this transaction claimed it, the first lead's where the key is still live."""
        if not wanted:
            return {}
        rows = [
            {"source_id": s, "key": k, "lead_id": lead_id, "expires_at": expires}
            for (s, k), (lead_id, expires) in sorted(wanted.items())
        ]
        claimed = await self.session.execute(CLAIM_KEY, rows)
        owners = {(r.source_id, r.key): r.lead_id for r in claimed}
        taken = [k for k in wanted if k not in owners]
        if taken:
            pairs = sa.tuple_(dedupe_keys.c.source_id, dedupe_keys.c.key).in_(taken)
            found = await self.session.execute(
                sa.select(dedupe_keys.c.source_id, dedupe_keys.c.key, dedupe_keys.c.lead_id).where(
                    pairs
                )
            )
            owners.update({(r.source_id, r.key): r.lead_id for r in found})
        return owners

    async def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(sa.insert(leads), list(rows))

    async def count_spam(self, source_id: str, day: date, reason: str) -> None:
        stmt = pg_insert(spam_counts).values(source_id=source_id, day=day, reason=reason, count=1)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["source_id", "day", "reason"],
                set_={"count": spam_counts.c.count + 1},
            )
        )

    async def forget_expired(self) -> int:
        """Drop dedupe keys and signatures past their time; returns how many rows went."""
        removed = 0
        for table in (dedupe_keys, seen_signatures):
            result = await self.session.execute(
                sa.delete(table).where(table.c.expires_at < sa.func.now())
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed


class SourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
        """Create or replace an API-managed source; returns True when it was created."""
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
            raise PermissionError(f"source {source.id!r} is defined in the config file")
        return bool(created)

    async def delete(self, source_id: str) -> bool:
        result = await self.session.execute(
            sa.delete(sources).where(sources.c.id == source_id, sources.c.managed_by == "api")
        )
        return bool(getattr(result, "rowcount", 0))
