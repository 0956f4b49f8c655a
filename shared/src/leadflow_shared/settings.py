"""The settings every leadflow service shares, read from ``LEADFLOW_*`` variables.

Each service subclasses :class:`ServiceSettings`; the composition root builds it once and
passes it down. Nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADFLOW_", extra="ignore")

    # Postgres, as this service's own login role (it can touch only its own schema).
    database_url: str = Field(
        description="SQLAlchemy URL of the service's own role, e.g. "
        "postgresql+asyncpg://leadflow_capture@127.0.0.1:5432/leadflow",
    )
    database_pool_size: int = Field(default=10, ge=1)
    # Used only by `migrate` to create the service's role and schema when they are missing.
    admin_database_url: str | None = None

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # On for Apache Kafka; off for brokers without InitProducerId (Tansu 0.6).
    kafka_idempotence: bool = False
    kafka_topic_partitions: int = Field(default=3, ge=1)
    kafka_session_timeout_ms: int = Field(default=10_000, ge=1_000)
    kafka_heartbeat_interval_ms: int = Field(default=2_000, ge=100)
    kafka_max_batch: int = Field(default=500, ge=1)
    # How long a fetch may wait at the broker: while records flow, and once none came for
    # kafka_idle_after_s (see leadflow_shared.messaging.consumer.Pace).
    kafka_fetch_max_wait_ms: int = Field(default=20, ge=1, le=10_000)
    kafka_idle_fetch_max_wait_ms: int = Field(default=1_000, ge=1, le=30_000)
    kafka_idle_after_s: float = Field(default=5.0, ge=0)
    kafka_linger_ms: int = Field(default=5, ge=0, le=1_000)
    # Offsets of handled batches go to the broker at most this often (and when partitions
    # move or the process stops): a redelivery in between is dropped by the inbox.
    kafka_commit_interval_ms: int = Field(default=1_000, ge=0, le=60_000)

    # The relay is woken by Postgres notifications, then lingers this long for more rows;
    # it also looks every outbox_poll_interval_s without a notification.
    outbox_linger_ms: float = Field(default=10.0, ge=0, le=1_000)
    outbox_poll_interval_s: float = Field(default=5.0, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    # Published events kept in the outbox for this long (0: deleted once acknowledged).
    outbox_retention_s: float = Field(default=0.0, ge=0)
    # Handled event ids kept this long to recognise redeliveries (0: for ever).
    inbox_retention_s: float = Field(default=86_400.0, ge=0)
    prune_interval_s: float = Field(default=60.0, gt=0)

    consumer_http_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        validation_alias=AliasChoices(
            "consumer_http_port", "LEADFLOW_CONSUMER_HTTP_PORT", "LEADFLOW_CONSUMER_METRICS_PORT"
        ),
        description="where the consumer process serves /healthz, /readyz and /metrics",
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    admin_api_key: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="key for the service's admin API (Authorization: Bearer …); unset: disabled",
    )
    config_file: Path | None = Field(
        default=None, description="YAML file with sources, reps and partners"
    )

    @field_validator("admin_api_key", mode="before")
    @classmethod
    def _empty_key_is_no_key(cls, key: object) -> object:
        """``LEADFLOW_ADMIN_API_KEY=`` (empty) leaves the admin API off."""
        return None if isinstance(key, str) and not key.strip() else key

    @field_validator("database_url", "admin_database_url")
    @classmethod
    def _async_driver(cls, url: str | None) -> str | None:
        """Accept plain ``postgresql://`` URLs and use the asyncpg driver for them."""
        if url is None:
            return None
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        if not url.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a postgresql:// or postgresql+asyncpg:// URL")
        return url

    @model_validator(mode="after")
    def _heartbeat_within_session(self) -> ServiceSettings:
        if self.kafka_heartbeat_interval_ms * 3 > self.kafka_session_timeout_ms:
            raise ValueError(
                "kafka_heartbeat_interval_ms must be at most a third of kafka_session_timeout_ms"
            )
        return self
