from __future__ import annotations

from pydantic import Field, model_validator

from leadflow_shared.settings import ServiceSettings


class CaptureSettings(ServiceSettings):
    http_port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    signature_tolerance_s: int = Field(default=300, ge=1)
    ip_hash_salt: str = Field(
        min_length=16, description="secret salt for hashing client IPs (never stored raw)"
    )
    sources_refresh_s: float = Field(default=2.0, gt=0)
    # Group commit: concurrent requests share one transaction (see batching.py).
    commit_batch_max: int = Field(default=100, ge=1, le=1000)
    commit_batch_wait_ms: float = Field(default=0.0, ge=0, le=100)
    commit_flushes: int = Field(default=1, ge=1, le=16)
    # Load shedding (see intake/admission.py): a request that its transaction could not take
    # within this long of its arrival is answered 503 overloaded, and nothing of it stored;
    # at most commit_queue_max requests wait for a transaction.
    commit_deadline_ms: float = Field(default=1000.0, ge=1, le=60_000)
    commit_queue_max: int = Field(default=10_000, ge=1)
    trust_forwarded_for: bool = Field(
        default=False,
        description="behind one reverse proxy: the client IP is the last X-Forwarded-For entry",
    )

    @model_validator(mode="after")
    def _deadline_beyond_batch_wait(self) -> CaptureSettings:
        if self.commit_deadline_ms <= self.commit_batch_wait_ms:
            raise ValueError(
                "commit_deadline_ms must be longer than commit_batch_wait_ms: a request "
                "waits that long for company before its transaction begins"
            )
        return self
