"""partners' queries."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_router.configured import sync_configured
from leadflow_router.partners.domain import Partner
from leadflow_router.partners.tables import partners
from leadflow_shared.uow import UnitOfWork

_ALL = f"SELECT id, name, territories, active FROM {partners.fullname} ORDER BY id"


class PartnerRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def sync(self, configured: Sequence[Partner]) -> None:
        await sync_configured(self.uow.session, partners, configured)

    async def all(self) -> list[Partner]:
        return [
            Partner(
                id=r["id"], name=r["name"], territories=tuple(r["territories"]), active=r["active"]
            )
            for r in await (await self.uow.driver()).fetch(_ALL)
        ]
