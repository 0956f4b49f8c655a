"""rules' read use cases (the API's; they load none of the stage's code)."""

from __future__ import annotations

import uuid
from typing import Any

from leadflow_score.rules.repository import ScoreRepository
from leadflow_shared.uow import UnitOfWork


async def scores_of(
    uow: UnitOfWork, lead_id: uuid.UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A lead's current score and its history; ``None`` for a lead never scored."""
    async with uow:
        repository = ScoreRepository(uow)
        current = await repository.get(lead_id)
        if current is None:
            return None
        return current, await repository.history(lead_id)
