"""How the suppression admin API reads and shows entries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from leadflow_verify.suppression.domain import Kind
from leadflow_verify.suppression.repository import Suppression


class SuppressionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500, description="why, for the record")


class SuppressionOut(BaseModel):
    kind: Kind
    value: str = Field(description="as matched: lower case, phones in E.164")
    reason: str | None
    added_at: datetime

    @classmethod
    def of(cls, entry: Suppression) -> SuppressionOut:
        return cls(kind=entry.kind, value=entry.value, reason=entry.reason, added_at=entry.added_at)
