"""partners' queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from leadflow_router.configured import sync_configured
from leadflow_router.partners.domain import Partner, PartnerState, PartnerWebhook
from leadflow_router.partners.tables import partner_webhooks, partners
from leadflow_shared.uow import UnitOfWork

_SELECT = f"""
SELECT p.id, p.name, p.territories, p.active, p.weight, p.segments, p.credit,
       p.last_offered_at, w.url, w.secret, w.secret_env, coalesce(w.healthy, true) AS healthy
FROM {partners.fullname} p LEFT JOIN {partner_webhooks.fullname} w ON w.partner_id = p.id
ORDER BY p.id
"""
_ALL = _SELECT
_LOCK_ALL = f"{_SELECT} FOR UPDATE OF p"
_TAKE_TURNS = f"""
    UPDATE {partners.fullname} AS p
    SET credit = t.credit, last_offered_at = coalesce(t.last_offered_at, p.last_offered_at)
    FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS t(id, credit, last_offered_at)
    WHERE p.id = t.id
"""
# A webhook's health survives a new configuration of it, unless its URL changed.
_SYNC_WEBHOOKS = f"""
INSERT INTO {partner_webhooks.fullname} AS w (partner_id, url, secret, secret_env)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (partner_id) DO UPDATE SET
    url = excluded.url, secret = excluded.secret, secret_env = excluded.secret_env,
    healthy = w.healthy OR w.url <> excluded.url,
    failures = CASE WHEN w.url = excluded.url THEN w.failures ELSE 0 END,
    probe_at = CASE WHEN w.url = excluded.url THEN w.probe_at END
"""
_DROP_WEBHOOKS = f"DELETE FROM {partner_webhooks.fullname} WHERE partner_id <> ALL($1::text[])"


def _state(row: Any) -> PartnerState:
    partner = Partner(
        id=row["id"],
        name=row["name"],
        territories=tuple(row["territories"]),
        active=row["active"],
        weight=row["weight"],
        segments=tuple(row["segments"]),
        webhook=None
        if row["url"] is None
        else PartnerWebhook(
            url=row["url"],
            secret=SecretStr(row["secret"]) if row["secret"] is not None else None,
            secret_env=row["secret_env"],
        ),
    ).model_copy(update={"healthy": row["healthy"]})
    return PartnerState(
        partner=partner, credit=row["credit"], last_offered_at=row["last_offered_at"]
    )


class PartnerRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def sync(self, configured: Sequence[Partner]) -> None:
        """The configured partners and their webhooks (a partner configured without one, or
        no longer configured, has none: its undelivered offers wait)."""
        await sync_configured(self.uow.session, partners, configured)
        hooked = [(p.id, p.webhook) for p in configured if p.webhook is not None]
        driver = await self.uow.driver()
        await driver.execute(
            _SYNC_WEBHOOKS,
            [partner_id for partner_id, _ in hooked],
            [hook.url for _, hook in hooked],
            [hook.secret.get_secret_value() if hook.secret else None for _, hook in hooked],
            [hook.secret_env for _, hook in hooked],
        )
        await driver.execute(_DROP_WEBHOOKS, [partner_id for partner_id, _ in hooked])

    async def all(self) -> list[Partner]:
        """Every partner, with its webhook and whether that is healthy (routing skips an
        unhealthy one)."""
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
