"""The routing policy's queries."""

from __future__ import annotations

import json

from leadflow_router.policy.domain import RoutingPolicy
from leadflow_router.policy.tables import routing_policy
from leadflow_shared.uow import UnitOfWork

_SAVE = f"""
INSERT INTO {routing_policy.fullname} (id, policy, synced_at) VALUES ('current', $1::json, now())
ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, synced_at = excluded.synced_at
"""
_GET = f"SELECT policy FROM {routing_policy.fullname} WHERE id = 'current'"


class PolicyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def save(self, policy: RoutingPolicy) -> None:
        await (await self.uow.driver()).execute(_SAVE, policy.model_dump_json())

    async def current(self) -> RoutingPolicy:
        """The policy last synced from the configuration file (the default list before)."""
        stored = await (await self.uow.driver()).fetchval(_GET)
        if stored is None:
            return RoutingPolicy()
        return RoutingPolicy.model_validate(
            json.loads(stored) if isinstance(stored, str) else stored
        )
