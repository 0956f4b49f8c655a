"""How reps' read API shows a rep."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from leadflow_router.reps.domain import RepState


class RepOut(BaseModel):
    id: str
    name: str
    territories: list[str]
    weight: int
    capacity: int
    active: bool
    last_assigned_at: datetime | None
    assigned_total: int
    open_leads: int  # assigned and not closed by feedback: at most the capacity

    @classmethod
    def of(cls, state: RepState, assigned_total: int) -> RepOut:
        rep = state.rep
        return cls(
            id=rep.id,
            name=rep.name,
            territories=list(rep.territories),
            weight=rep.weight,
            capacity=rep.capacity,
            active=rep.active,
            last_assigned_at=state.last_assigned_at,
            assigned_total=assigned_total,
            open_leads=state.open_leads,
        )
