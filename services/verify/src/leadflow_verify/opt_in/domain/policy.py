"""How confirmations are asked for: the sender, the subject and each source's window.

In the configuration file (``verification.double_opt_in``), for the sources whose
``double_opt_in`` is true::

    verification:
      double_opt_in:
        sender: "Example Newsletter <newsletter@example.com>"
        subject: "Please confirm your email address"
        confirm_within_hours: 48
        confirm_within_hours_by_source: {newsletter: 72}
        mails_per_address_per_day: 3

An address gets one mail while one waits for it; ``mails_per_address_per_day`` caps how
many it gets in any 24 hours however short the windows (a mail over the cap waits until
the cap allows it, or its leads expire unmailed).
"""

from __future__ import annotations

from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr

from pydantic import BaseModel, ConfigDict, Field, field_validator

MOST_HOURS = 24 * 30  # a confirmation link lives at most 30 days


class DoubleOptIn(BaseModel):
    """Configuration ``verification.double_opt_in``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sender: str = "leadflow <no-reply@localhost>"
    subject: str = Field(default="Please confirm your email address", min_length=1, max_length=200)
    confirm_within_hours: float = Field(default=48.0, gt=0, le=MOST_HOURS)
    confirm_within_hours_by_source: dict[str, float] = Field(default_factory=dict)
    mails_per_address_per_day: int = Field(default=3, ge=1, le=24)

    @field_validator("sender")
    @classmethod
    def _an_address(cls, sender: str) -> str:
        _, address = parseaddr(sender)
        if "@" not in address or any(c in sender for c in "\r\n"):
            raise ValueError(f"sender must be an email address, optionally named: {sender!r}")
        Address(addr_spec=address)  # refuses what no mail header could carry
        return sender

    @field_validator("subject")
    @classmethod
    def _one_line(cls, subject: str) -> str:
        if any(c in subject for c in "\r\n"):
            raise ValueError("subject must be one line")
        return subject

    @field_validator("confirm_within_hours_by_source")
    @classmethod
    def _windows(cls, windows: dict[str, float]) -> dict[str, float]:
        for source, hours in windows.items():
            if not 0 < hours <= MOST_HOURS:
                raise ValueError(f"{source}: hours must be above 0 and at most {MOST_HOURS}")
        return windows

    def window(self, source_id: str) -> timedelta:
        """How long a lead of ``source_id`` has to be confirmed."""
        hours = self.confirm_within_hours_by_source.get(source_id, self.confirm_within_hours)
        return timedelta(hours=hours)


DEFAULT_DOUBLE_OPT_IN = DoubleOptIn()
