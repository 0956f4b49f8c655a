"""A service's admin API: behind ``Authorization: Bearer <LEADFLOW_ADMIN_API_KEY>``, and off
(403 ``admin_disabled``) while no key is set."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import SecretStr

from leadflow_shared.errors import Forbidden, Unauthorized


def admin_only(key: SecretStr | None) -> Callable[..., None]:
    """A FastAPI dependency refusing every call without the admin key."""

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        if key is None:
            raise Forbidden(
                "the admin API is disabled: set LEADFLOW_ADMIN_API_KEY", code="admin_disabled"
            )
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.encode(), key.get_secret_value().encode()
        ):
            raise Unauthorized("a valid admin API key is required (Authorization: Bearer …)")

    return authorised


def admin_router(key: SecretStr | None) -> APIRouter:
    """Routes under ``/v1/admin``, each behind the admin key."""
    return APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(admin_only(key))])
