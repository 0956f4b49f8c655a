from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from leadflow_shared.settings import ServiceSettings
from leadflow_verify.contact.dns import parse_nameserver


class VerifySettings(ServiceSettings):
    http_port: int = Field(default=8001, ge=1, le=65535)

    # Whether email domains are looked up in DNS: "offline" asks nobody (every domain reads
    # unknown), "system" asks the nameservers of /etc/resolv.conf, "servers" asks
    # dns_servers ("127.0.0.1:5353,[::1]:53" in LEADFLOW_DNS_SERVERS, or a JSON list).
    dns_mode: Literal["offline", "system", "servers"] = "offline"
    dns_servers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    dns_timeout_s: float = Field(default=1.0, gt=0, le=30)
    dns_cache_ttl_s: float = Field(default=3600.0, ge=0)

    @field_validator("dns_servers", mode="before")
    @classmethod
    def _split_servers(cls, value: object) -> object:
        """A comma-separated text (from the environment) or a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError:
                    pass  # "[::1]:53,…"
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("dns_servers")
    @classmethod
    def _servers_are_addresses(cls, servers: list[str]) -> list[str]:
        for server in servers:
            try:
                parse_nameserver(server)
            except ValueError as exc:
                raise ValueError(
                    f"dns_servers: {server!r} is not an IP address with an optional port"
                ) from exc
        return servers

    @model_validator(mode="after")
    def _servers_mode_has_servers(self) -> VerifySettings:
        if self.dns_mode == "servers" and not self.dns_servers:
            raise ValueError("dns_mode 'servers' needs dns_servers")
        return self
