"""rules' read use cases (the API's; they load none of the stage's code)."""

from __future__ import annotations

import uuid

from leadflow_score.rules.repository import ScoreRepository, StoredScore
from leadflow_shared.uow import UnitOfWork


async def score_of(uow: UnitOfWork, lead_id: uuid.UUID) -> StoredScore | None:
    async with uow:
        return await ScoreRepository(uow).get(lead_id)
