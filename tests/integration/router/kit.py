"""What router's integration tests share: a fixed clock, scored leads made from the golden
sample, a team of reps and partners on the session's database, the API with keys, and the
events a unit of work staged in router's outbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from leadflow_router.config import RouterConfig, sync_config
from leadflow_router.service import SERVICE as ROUTER
from leadflow_router.settings import RouterSettings
from leadflow_shared.config import load_config
from leadflow_shared.db import Database
from leadflow_shared.events import Envelope, LeadRouted, LeadScored, parse_event
from leadflow_shared.ports import Clock
from leadflow_shared.service import Runtime
from tests.conftest import EXAMPLE_CONFIG, Infra
from tests.support import api_client, fresh

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ADMIN_KEY = "router-admin-key-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def scored(
    country: str, temperature: str = "hot", status: str = "sql", **verified: Any
) -> LeadScored:
    def edit(raw: dict[str, Any]) -> None:
        raw["data"] |= {"temperature": temperature, "status": status}
        raw["data"]["lead"]["contact"]["country"] = country
        raw["data"]["lead"] |= verified

    event: LeadScored = fresh("lead.scored", edit)
    return event


def assignees(published: list[Any]) -> list[str]:
    return [e.data.assignee.id for e in published if isinstance(e, LeadRouted)]


@asynccontextmanager
async def team_database(infra: Infra, team: RouterConfig) -> AsyncIterator[Database]:
    """Router's database with ``team`` as its reps, partners and routing policy: clean
    rotations, nothing the admin API set, and no open lead of earlier tests left in a queue;
    the example team again afterwards."""
    async with infra.service_database("router") as database:
        await sync_config(database.unit_of_work(), team)
        async with database.driver_connection() as conn:
            await conn.execute(
                "UPDATE reps SET last_assigned_at = NULL, assigned_total = 0, credit = 0,"
                " open_leads = 0, paused = false, away = '[]'"
            )
            await conn.execute("UPDATE partners SET credit = 0, last_offered_at = NULL")
            await conn.execute(
                "UPDATE assignments SET closed_at = now()"
                " WHERE assignee_kind = 'queue' AND closed_at IS NULL"
            )
        yield database
        await sync_config(database.unit_of_work(), load_config(EXAMPLE_CONFIG, RouterConfig))


@asynccontextmanager
async def router_client(
    infra: Infra, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of router's API with the admin key ``ADMIN_KEY`` (and ``clock``)."""
    settings = infra.settings(RouterSettings, "router", admin_api_key=ADMIN_KEY)
    ports = {"clock": clock} if clock is not None else None
    app = ROUTER.create_app(settings, ports)
    try:
        async with api_client(app, "router") as client:
            yield client
    finally:  # the client runs no lifespan: close the app's connections here
        await _runtime(app).db.dispose()


def _runtime(app: Any) -> Runtime[Any]:
    """The runtime of an app built by ``create_app`` (under the ASGI layers around it)."""
    while not hasattr(getattr(app, "state", None), "runtime"):
        app = app.app
    runtime: Runtime[Any] = app.state.runtime
    return runtime


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def issue_key(client: httpx.AsyncClient, kind: str, owner_id: str) -> str:
    """A new key for the rep or partner, through the admin API: its token."""
    answer = await client.post(f"/v1/admin/{kind}s/{owner_id}/keys", headers=ADMIN)
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


async def staged_events(db: Database, lead_id: uuid.UUID) -> list[Envelope]:
    """Every event router's outbox holds for the lead, in the order they were staged."""
    async with db.driver_connection() as conn:
        rows = await conn.fetch(
            "SELECT value FROM router.outbox WHERE key = $1 ORDER BY id", str(lead_id).encode()
        )
    return [parse_event(r["value"]) for r in rows]
