"""opt_in's HTTP API: ``GET /v1/confirm/{token}``, the link in a confirmation mail, shows a
button; ``POST`` to the same address (the button) confirms. Mail scanners and link
previews open links (GET) but press no buttons, so they confirm nothing. It answers a
person, not a program: an HTML page whatever happens."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from leadflow_shared.service.app import UoW
from leadflow_verify.opt_in import pages
from leadflow_verify.opt_in.domain.links import ConfirmationLinks, InvalidToken
from leadflow_verify.opt_in.handlers import (
    ConfirmationExpired,
    UnknownConfirmation,
    awaits_confirmation,
    confirm,
)

PAGES: dict[int | str, dict[str, Any]] = {
    200: {"description": "confirmed now, or before", "content": {"text/html": {}}},
    400: {"description": "not a valid link (cut short or changed)", "content": {"text/html": {}}},
    404: {
        "description": "nothing to confirm for this link (unknown, or its address suppressed)",
        "content": {"text/html": {}},
    },
    410: {"description": "the link has expired", "content": {"text/html": {}}},
    503: {"description": "confirmation is not set up", "content": {"text/html": {}}},
}
ASKING: dict[int | str, dict[str, Any]] = {
    **PAGES,
    200: {
        "description": "a button that confirms (posts here), or: confirmed before",
        "content": {"text/html": {}},
    },
}


# What a link that cannot confirm anything shows, by why.
_REFUSED: dict[type[Exception], pages.Page] = {
    InvalidToken: pages.INVALID,
    UnknownConfirmation: pages.UNKNOWN,
    ConfirmationExpired: pages.EXPIRED,
}


async def _page(work: Awaitable[pages.Page]) -> HTMLResponse:
    try:
        return pages.render(await work)
    except (InvalidToken, UnknownConfirmation, ConfirmationExpired) as exc:
        page = next(p for kind, p in _REFUSED.items() if isinstance(exc, kind))
        return pages.render(page)


def router(runtime: Runtime[Any]) -> APIRouter:
    api = APIRouter(tags=["double opt-in"])
    links = runtime.ports.get("links")
    clock = runtime.port("clock", Clock)

    @api.get("/v1/confirm/{token}", response_class=HTMLResponse, responses=ASKING)
    async def confirmation_page(token: str, uow: UoW) -> HTMLResponse:
        """The page a confirmation link opens: a button that confirms the address (it posts
        to the same address); a link already confirmed, expired or not valid says so.
        Opening it changes nothing."""
        if not isinstance(links, ConfirmationLinks):
            return pages.render(pages.UNAVAILABLE)

        async def asked() -> pages.Page:
            waiting = await awaits_confirmation(uow, token, links=links, now=clock.now())
            return pages.ASK if waiting else pages.ALREADY_CONFIRMED

        return await _page(asked())

    @api.post("/v1/confirm/{token}", response_class=HTMLResponse, responses=PAGES)
    async def confirm_address(token: str, uow: UoW) -> HTMLResponse:
        """Confirm the email address a double opt-in mail was sent to: every lead held for
        it and still in time is published (``lead.verified``, each once; one put on the
        do-not-contact list meanwhile is rejected instead) and the person sees a thank-you
        page. Confirming again changes nothing."""
        if not isinstance(links, ConfirmationLinks):
            return pages.render(pages.UNAVAILABLE)

        async def confirmed() -> pages.Page:
            done = await confirm(uow, token, links=links, now=clock.now())
            return pages.CONFIRMED if done.first_time else pages.ALREADY_CONFIRMED

        return await _page(confirmed())

    return api
