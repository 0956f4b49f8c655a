"""verify's declaration: what ``leadflow-verify api | consumer | migrate`` are built from."""

from __future__ import annotations

from typing import Any

from leadflow_shared.events import LeadCaptured
from leadflow_shared.service import Runtime, Service, Subscription
from leadflow_verify import NAME, tables
from leadflow_verify.config import verify_ports
from leadflow_verify.contact.domain.country import load_names
from leadflow_verify.opt_in.chores import CHORES
from leadflow_verify.settings import VerifySettings


async def _read_country_names(_: Runtime[Any]) -> None:
    """Before consuming, so that the first batch does not wait for them."""
    load_names()


SERVICE = Service(
    name=NAME,
    description="Checks identity and contact details of captured leads and washes them.",
    settings=VerifySettings,
    metadata=tables.metadata,
    subscriptions=[Subscription(LeadCaptured, "leadflow_verify.contact.handlers:verify_leads")],
    routers=["leadflow_verify.contact.endpoints:router"],
    ports=verify_ports,
    api="leadflow_verify.api:verify_api",
    chores=CHORES,
    on_start=_read_country_names,
)
