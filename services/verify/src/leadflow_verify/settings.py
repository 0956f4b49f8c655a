from __future__ import annotations

from pydantic import Field

from leadflow_shared.settings import ServiceSettings


class VerifySettings(ServiceSettings):
    http_port: int = Field(default=8001, ge=1, le=65535)
