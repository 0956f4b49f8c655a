from __future__ import annotations

from pathlib import Path

from pydantic import Field

from leadflow_shared.settings import ServiceSettings


class ScoreSettings(ServiceSettings):
    http_port: int = Field(default=8002, ge=1, le=65535)
    score_rules_file: Path | None = Field(
        default=None,
        description="the scoring rules (YAML); made live on a database with none live yet",
    )
    # how often the consumer looks for scores due to decay
    decay_interval_s: float = Field(default=60.0, gt=0)
    decay_batch_size: int = Field(default=500, ge=1)
