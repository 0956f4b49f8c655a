"""verify's part of the configuration file (``verification:``): the verification policy and
double opt-in; and the ports verify's handlers, chores and routes are given."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from leadflow_shared.config import ConfigError, load_config
from leadflow_verify.contact.dns import resolver_from_settings
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.mailer import SmtpMailer
from leadflow_verify.settings import VerifySettings


class Verification(VerificationPolicy):
    """The ``verification:`` section: the policy, and how double opt-in asks (``None``:
    not configured; sources that ask for it anyway get its defaults)."""

    double_opt_in: DoubleOptIn | None = None


class SourceFlags(BaseModel):
    """What verify reads of a source in the file's ``sources:`` (capture's section, which
    capture validates): whether it asks for double opt-in."""

    model_config = ConfigDict(extra="ignore")

    id: str = ""
    double_opt_in: bool = False


class VerifyConfig(BaseModel):
    verification: Verification = Field(default_factory=Verification)
    sources: list[SourceFlags] = Field(default_factory=list)

    def asks_for_double_opt_in(self) -> list[str]:
        """What in the file asks for double opt-in: its section, and the sources that do."""
        asking = ["verification.double_opt_in"] if self.verification.double_opt_in else []
        return asking + [f"source {s.id!r}" for s in self.sources if s.double_opt_in]


def verify_ports(settings: VerifySettings) -> Mapping[str, object]:
    """What verify's handlers are given: the policy from the configuration file (its
    defaults when there is no file), the mail-domain resolver ``dns_mode`` names, and
    double opt-in's configuration, links (``None`` without ``LEADFLOW_CONFIRM_SECRET``) and
    mailer. Refuses a file that asks for double opt-in (its section, or a source with
    ``double_opt_in: true``) while no secret is set."""
    config = (
        load_config(settings.config_file, VerifyConfig)
        if settings.config_file is not None
        else VerifyConfig()
    )
    verification = config.verification
    secret = settings.confirm_secret
    asking = config.asks_for_double_opt_in()
    if asking and secret is None:
        raise ConfigError(
            f"{settings.config_file} asks for double opt-in ({', '.join(asking)}), which "
            "needs LEADFLOW_CONFIRM_SECRET (32 or more random characters) to sign "
            "confirmation links"
        )
    return {
        "policy": verification,
        "mail": resolver_from_settings(settings),
        "double_opt_in": verification.double_opt_in or DoubleOptIn(),
        "links": (
            ConfirmationLinks(secret.get_secret_value(), settings.link_base) if secret else None
        ),
        "mailer": SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout_s=settings.smtp_timeout_s,
        ),
    }
