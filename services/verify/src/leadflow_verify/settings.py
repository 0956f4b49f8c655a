from __future__ import annotations

import json
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from leadflow_shared.settings import ServiceSettings
from leadflow_verify.contact.dns import parse_nameserver
from leadflow_verify.opt_in.mailer import TlsMode


class VerifySettings(ServiceSettings):
    http_port: int = Field(default=8001, ge=1, le=65535)

    # Whether email domains are looked up in DNS: "offline" asks nobody (every domain reads
    # unknown), "system" asks the nameservers of /etc/resolv.conf, "servers" asks
    # dns_servers ("127.0.0.1:5353,[::1]:53" in LEADFLOW_DNS_SERVERS, or a JSON list).
    dns_mode: Literal["offline", "system", "servers"] = "offline"
    dns_servers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    dns_timeout_s: float = Field(default=1.0, gt=0, le=30)
    dns_cache_ttl_s: float = Field(default=3600.0, ge=0)

    # Double opt-in. Confirmation links are signed with confirm_secret: without it no mail
    # goes out, and verify refuses to start when the configuration file asks for double
    # opt-in. The links point at public_url (default: this API's own address).
    confirm_secret: SecretStr | None = Field(default=None, min_length=32)
    public_url: str | None = None
    # The SMTP server confirmation mails go through. A login travels only over TLS.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: TlsMode = "auto"
    smtp_timeout_s: float = Field(default=10.0, gt=0, le=120)

    @field_validator(
        "confirm_secret", "public_url", "smtp_username", "smtp_password", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("confirm_secret")
    @classmethod
    def _not_an_example(cls, secret: SecretStr | None) -> SecretStr | None:
        """The example from docker-compose.yml signs nothing: anyone who read it could make
        links (the refusal names the variable, since that is where it is set)."""
        if secret is not None and secret.get_secret_value().strip().lower().startswith("change-me"):
            raise ValueError(
                "LEADFLOW_CONFIRM_SECRET is a placeholder (it starts with 'change-me'): set it "
                "to 32 or more random characters of your own, e.g. `openssl rand -hex 32`"
            )
        return secret

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(f"public_url must be an http(s) address, got {url!r}")
        return url.rstrip("/")

    @property
    def link_base(self) -> str:
        """Where confirmation links point: ``public_url``, else this API's own address."""
        return self.public_url or f"http://{self.http_host}:{self.http_port}"

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

    @model_validator(mode="after")
    def _login_only_over_tls(self) -> VerifySettings:
        """An SMTP password must never cross the network in clear: ``auto`` would send it
        unencrypted to a server (or a man in the middle) that offers no STARTTLS."""
        if self.smtp_username is not None and self.smtp_tls not in ("starttls", "tls"):
            raise ValueError(
                f"LEADFLOW_SMTP_USERNAME is set, so LEADFLOW_SMTP_TLS must be 'starttls' or "
                f"'tls' (got {self.smtp_tls!r}): the SMTP password is never sent unencrypted"
            )
        return self
