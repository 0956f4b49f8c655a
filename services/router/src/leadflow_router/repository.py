"""All of router's queries."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from leadflow_router.domain.model import Partner, Rep, RepState, RouterConfig
from leadflow_router.tables import assignments, partners, reps


class RouterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sync_config(self, config: RouterConfig) -> None:
        """Make the stored reps and partners match the configuration file.

        Round-robin state survives; reps and partners no longer configured are deactivated.
        """
        for table, items in ((reps, config.reps), (partners, config.partners)):
            rows = [{**item.model_dump(), "territories": list(item.territories)} for item in items]
            if rows:
                stmt = pg_insert(table).values(rows)
                updates = {k: stmt.excluded[k] for k in rows[0] if k != "id"}
                await self.session.execute(
                    stmt.on_conflict_do_update(index_elements=["id"], set_=updates)
                )
            keep = [item.id for item in items]
            await self.session.execute(
                sa.update(table).where(table.c.id.not_in(keep)).values(active=False)
            )

    async def lock_reps(self) -> list[RepState]:
        """All reps, locked for this transaction so that round robin stays fair."""
        rows = (
            await self.session.execute(sa.select(reps).order_by(reps.c.id).with_for_update())
        ).all()
        return [
            RepState(
                rep=Rep(
                    id=r.id,
                    name=r.name,
                    territories=tuple(r.territories),
                    weight=r.weight,
                    capacity=r.capacity,
                    active=r.active,
                ),
                last_assigned_at=r.last_assigned_at,
            )
            for r in rows
        ]

    async def partners(self) -> list[Partner]:
        rows = (await self.session.execute(sa.select(partners).order_by(partners.c.id))).all()
        return [
            Partner(id=r.id, name=r.name, territories=tuple(r.territories), active=r.active)
            for r in rows
        ]

    async def add_assignment(self, row: dict[str, Any]) -> bool:
        """Record where a lead went; False when it was routed before (never route twice)."""
        stmt = (
            pg_insert(assignments)
            .values(**row)
            .on_conflict_do_nothing()
            .returning(assignments.c.lead_id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def mark_assigned(self, rep_id: str) -> None:
        await self.session.execute(
            sa.update(reps)
            .where(reps.c.id == rep_id)
            .values(
                last_assigned_at=sa.func.clock_timestamp(), assigned_total=reps.c.assigned_total + 1
            )
        )

    async def assignment(self, lead_id: uuid.UUID) -> sa.Row[Any] | None:
        stmt = sa.select(assignments).where(assignments.c.lead_id == lead_id)
        return (await self.session.execute(stmt)).first()

    async def rep_rows(self) -> list[sa.Row[Any]]:
        return list((await self.session.execute(sa.select(reps).order_by(reps.c.id))).all())

    async def partner_rows(self) -> list[sa.Row[Any]]:
        return list((await self.session.execute(sa.select(partners).order_by(partners.c.id))).all())
