"""opt_in's chores in the consumer process: sending the confirmation mails that are due,
and rejecting the held leads whose time ran out."""

from __future__ import annotations

from typing import Any

from leadflow_shared.logging import get_logger
from leadflow_shared.ports import Clock
from leadflow_shared.service import Chore, Runtime
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.opt_in.domain.policy import DoubleOptIn
from leadflow_verify.opt_in.handlers import expire_due, unsent
from leadflow_verify.opt_in.mailer import Mailer
from leadflow_verify.opt_in.sending import send_due

log = get_logger(__name__)

SEND_EVERY_S = 2.0
EXPIRE_EVERY_S = 60.0


async def send_mails(runtime: Runtime[Any]) -> None:
    links = runtime.ports.get("links")
    if not isinstance(links, ConfirmationLinks):
        return  # no secret: expire_unconfirmed says so, once a minute, while leads wait
    await send_due(
        runtime.unit_of_work(),
        mailer=runtime.port("mailer", Mailer),
        links=links,
        policy=runtime.port("double_opt_in", DoubleOptIn),
        now=runtime.port("clock", Clock).now(),
    )


async def expire_unconfirmed(runtime: Runtime[Any]) -> None:
    now = runtime.port("clock", Clock).now()
    await expire_due(runtime.unit_of_work(), now=now)
    if runtime.ports.get("links") is None:
        waiting = await unsent(runtime.unit_of_work(), now=now)
        if waiting:
            log.error(
                "held leads wait for confirmation mails that cannot be sent: "
                "set LEADFLOW_CONFIRM_SECRET",
                mails=waiting,
            )


CHORES = (
    Chore("sending confirmation mails", lambda _: SEND_EVERY_S, send_mails),
    Chore("rejecting unconfirmed leads", lambda _: EXPIRE_EVERY_S, expire_unconfirmed),
)
