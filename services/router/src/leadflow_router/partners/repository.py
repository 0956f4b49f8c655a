"""partners' queries."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import SecretStr

from leadflow_router.configured import sync_configured
from leadflow_router.partners.domain import Partner, PartnerWebhook
from leadflow_router.partners.tables import partner_webhooks, partners
from leadflow_shared.uow import UnitOfWork

_ALL = f"""
SELECT p.id, p.name, p.territories, p.active, w.url, w.secret, w.secret_env,
       coalesce(w.healthy, true) AS healthy
FROM {partners.fullname} p LEFT JOIN {partner_webhooks.fullname} w ON w.partner_id = p.id
ORDER BY p.id
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
        return [
            Partner(
                id=r["id"],
                name=r["name"],
                territories=tuple(r["territories"]),
                active=r["active"],
                webhook=None
                if r["url"] is None
                else PartnerWebhook(
                    url=r["url"],
                    secret=SecretStr(r["secret"]) if r["secret"] is not None else None,
                    secret_env=r["secret_env"],
                ),
            ).model_copy(update={"healthy": r["healthy"]})
            for r in await (await self.uow.driver()).fetch(_ALL)
        ]
