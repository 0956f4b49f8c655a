"""verify's part of the configuration file: the verification policy (``verification:``)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from leadflow_shared.config import load_config
from leadflow_verify.contact.dns import resolver_from_settings
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.settings import VerifySettings


class VerifyConfig(BaseModel):
    verification: VerificationPolicy = Field(default_factory=VerificationPolicy)


def verify_ports(settings: VerifySettings) -> Mapping[str, object]:
    """What verify's handlers are given: the policy from the configuration file (its
    defaults when there is no file) and the mail-domain resolver ``dns_mode`` names."""
    config = (
        load_config(settings.config_file, VerifyConfig)
        if settings.config_file is not None
        else VerifyConfig()
    )
    return {"policy": config.verification, "mail": resolver_from_settings(settings)}
