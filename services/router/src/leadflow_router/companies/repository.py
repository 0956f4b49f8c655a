"""companies' queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow_router.assignments.domain.routing import Decision
from leadflow_router.companies.tables import company_owners
from leadflow_shared.uow import UnitOfWork

_OWNERS = f"""
SELECT domain, assignee_kind, assignee_id, lead_id FROM {company_owners.fullname}
WHERE domain = ANY($1::text[])
"""
_RECORD = f"""
INSERT INTO {company_owners.fullname} AS o (domain, assignee_kind, assignee_id, lead_id,
    assigned_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
ON CONFLICT (domain) DO UPDATE SET assignee_kind = excluded.assignee_kind,
    assignee_id = excluded.assignee_id, lead_id = excluded.lead_id,
    assigned_at = excluded.assigned_at
"""


@dataclass(frozen=True)
class CompanyOwner:
    domain: str
    kind: str  # rep or partner
    assignee_id: str
    lead_id: uuid.UUID
    assigned_at: datetime


class CompanyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def owners(self, domains: Sequence[str]) -> dict[str, Decision]:
        """Who has each of these companies (one statement), as the decision that made
        them its owner."""
        if not domains:
            return {}
        rows = await (await self.uow.driver()).fetch(_OWNERS, sorted(set(domains)))
        return {
            r["domain"]: Decision(
                kind=r["assignee_kind"],
                assignee_id=r["assignee_id"],
                rule_path=(),
                reason=f"lead {r['lead_id']}",
            )
            for r in rows
        }

    async def record(self, owners: Sequence[CompanyOwner]) -> None:
        """Each company's owner now (one statement; one row a company)."""
        if owners:
            await (await self.uow.driver()).execute(
                _RECORD,
                [o.domain for o in owners],
                [o.kind for o in owners],
                [o.assignee_id for o in owners],
                [o.lead_id for o in owners],
                [o.assigned_at for o in owners],
            )
