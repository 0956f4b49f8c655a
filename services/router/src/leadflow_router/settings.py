from __future__ import annotations

from pydantic import Field

from leadflow_shared.settings import ServiceSettings


class RouterSettings(ServiceSettings):
    http_port: int = Field(default=8003, ge=1, le=65535)
