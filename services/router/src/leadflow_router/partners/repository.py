"""partners' queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from leadflow_router.configured import sync_configured
from leadflow_router.partners.domain import Partner, PartnerState
from leadflow_router.partners.tables import partners
from leadflow_shared.uow import UnitOfWork

_COLUMNS = "id, name, territories, active, weight, segments, credit, last_offered_at"
_ALL = f"SELECT {_COLUMNS} FROM {partners.fullname} ORDER BY id"
_LOCK_ALL = f"SELECT {_COLUMNS} FROM {partners.fullname} ORDER BY id FOR UPDATE"
_TAKE_TURNS = f"""
    UPDATE {partners.fullname} AS p
    SET credit = t.credit, last_offered_at = coalesce(t.last_offered_at, p.last_offered_at)
    FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS t(id, credit, last_offered_at)
    WHERE p.id = t.id
"""


def _state(row: Any) -> PartnerState:
    partner = Partner(
        id=row["id"],
        name=row["name"],
        territories=tuple(row["territories"]),
        active=row["active"],
        weight=row["weight"],
        segments=tuple(row["segments"]),
    )
    return PartnerState(
        partner=partner, credit=row["credit"], last_offered_at=row["last_offered_at"]
    )


class PartnerRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def sync(self, configured: Sequence[Partner]) -> None:
        await sync_configured(self.uow.session, partners, configured)

    async def all(self) -> list[Partner]:
        return [s.partner for s in await self.states()]

    async def states(self, *, lock: bool = False) -> list[PartnerState]:
        """Every partner with its rotation's state; ``lock``: locked for this transaction,
        so that partners sharing a territory share its leads fairly."""
        rows = await (await self.uow.driver()).fetch(_LOCK_ALL if lock else _ALL)
        return [_state(r) for r in rows]

    async def take_turns(self, turns: Mapping[str, tuple[int, datetime | None]]) -> None:
        """Each partner's credit after a batch and when it was last offered a lead (None:
        only its credit moved); one statement."""
        if turns:
            await (await self.uow.driver()).execute(
                _TAKE_TURNS,
                list(turns),
                [credit for credit, _ in turns.values()],
                [at for _, at in turns.values()],
            )
