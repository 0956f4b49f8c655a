from __future__ import annotations

from pydantic import Field

from leadflow_shared.settings import ServiceSettings


class RouterSettings(ServiceSettings):
    http_port: int = Field(default=8003, ge=1, le=65535)
    # how often the consumer looks for assignments whose SLA ran out, and how many it moves
    # on in one transaction
    sla_check_interval_s: float = Field(default=15.0, gt=0)
    sla_batch_size: int = Field(default=200, ge=1)
