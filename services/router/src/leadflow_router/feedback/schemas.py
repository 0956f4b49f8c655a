"""How feedback is given and answered."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from leadflow_shared.events.v1 import Assignee, FeedbackOutcome


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: FeedbackOutcome
    note: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    lead_id: uuid.UUID
    outcome: FeedbackOutcome
    assignee: Assignee
    reported_at: datetime
    closed: bool = Field(description="the lead is closed: it no longer counts in a capacity")
