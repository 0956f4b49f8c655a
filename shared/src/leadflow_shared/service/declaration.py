"""What a service states about itself, once: its settings, tables, subscriptions (by event
class), HTTP routers, periodic chores, ports and the topics it writes.

    SERVICE = Service(
        name="verify",
        description="…",
        settings=VerifySettings,
        metadata=tables.metadata,
        subscriptions=(
            Subscription(LeadCaptured, "leadflow_verify.contact.handlers:verify_leads"),
        ),
        routers=("leadflow_verify.contact.endpoints:router",),
    )

Stage handlers, HTTP routers and the ``api`` hook are named by import path
(``module:attribute``): a handler is imported only by the ``consumer`` process, routers and
the hook only by the ``api`` process, so neither loads what only the other needs (the web
stack, a stage's checking libraries).

Each service's declaration is ``SERVICE`` in ``leadflow_<name>.service``; its console
script is ``SERVICE.main``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sqlalchemy as sa

from leadflow_shared.events.envelope import Envelope
from leadflow_shared.messaging.inbox import Inbox
from leadflow_shared.messaging.outbox import Outbox
from leadflow_shared.settings import ServiceSettings

if TYPE_CHECKING:  # the consumer process never loads the web stack
    from fastapi import APIRouter, FastAPI
    from starlette.types import ASGIApp

    from leadflow_shared.service.runtime import Runtime

S = TypeVar("S", bound=ServiceSettings)


def load(path: str) -> Any:
    """The object an import path ``module:attribute`` names."""
    module, _, attribute = path.partition(":")
    if not attribute:
        raise ValueError(f"not a module:attribute path: {path!r}")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Subscription:
    """The events of one class go to ``handler`` (named by import path), a batch at a time:
    ``handler(uow, events, **ports)``; the keyword-only parameters name the ports it needs."""

    event: type[Envelope]
    handler: str  # import path of ``async def handler(uow, events, **ports)``


@dataclass(frozen=True)
class Chore:
    """Work the consumer process does every ``every_s`` seconds (failures are logged and
    tried again next time)."""

    name: str
    every_s: Callable[[ServiceSettings], float]
    run: Callable[[Runtime[Any]], Awaitable[object]]


@dataclass(frozen=True)
class Api:
    """What a service's API adds beyond static routers, built once per process."""

    routers: Sequence[APIRouter] = ()
    # (method, path) → a bare ASGI endpoint served ahead of FastAPI (a hot path).
    direct_routes: Mapping[tuple[str, str], ASGIApp] = field(default_factory=dict)
    document: Callable[[FastAPI], None] | None = None  # puts direct routes in the OpenAPI
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = ()
    # path prefixes beyond /v1/admin whose calls need the admin key (checked, with the
    # body's size, before a body is read)
    admin_prefixes: Sequence[str] = ()
    # name → a check /readyz makes beside the database and the broker: None when ready,
    # else why not (capture: "overloaded: …" while it sheds load)
    readiness: Mapping[str, Callable[[], str | None]] = field(default_factory=dict)


def _no_ports(_: ServiceSettings) -> Mapping[str, object]:
    return {}


def _no_topics(_: ServiceSettings) -> Sequence[str]:
    return ()


@dataclass(frozen=True)
class Service(Generic[S]):
    name: str  # capture, verify, score, router: also its schema, role and package suffix
    description: str
    settings: type[S]
    metadata: sa.MetaData  # every table, the outbox and the inbox included
    subscriptions: Sequence[Subscription] = ()
    # "module:attribute" of APIRouters, and of a function Runtime -> Api (routers that need
    # the process's state, direct routes, shutdown steps)
    routers: Sequence[str] = ()
    api: str | None = None
    chores: Sequence[Chore] = ()
    # The service's own ports (the clock is always there), built once per process.
    ports: Callable[[S], Mapping[str, object]] = _no_ports
    # Topics it writes beyond the contract's (which every service creates).
    topics: Callable[[S], Sequence[str]] = _no_topics
    # Run by the consumer process once the broker answers, before consuming.
    on_start: Callable[[Runtime[S]], Awaitable[None]] | None = None
    # Run by the consumer process first, before it connects to anything: a check of its
    # own configuration that raises ``ConfigError`` (score: its rules file).
    preflight: Callable[[S], None] | None = None
    # "module:attribute" of typer.Typer apps whose commands join the service's command
    # line beside api, consumer and migrate (loaded only when the command line is built)
    commands: Sequence[str] = ()

    @property
    def schema(self) -> str:
        return self.name

    @property
    def package(self) -> str:
        return f"leadflow_{self.name}"

    @property
    def group_id(self) -> str:
        return f"leadflow-{self.name}"

    @property
    def versions(self) -> Traversable:
        """Where the service's Alembic revisions live."""
        return files(self.package).joinpath("migrations", "versions")

    def table(self, name: str) -> sa.Table:
        return self.metadata.tables[f"{self.schema}.{name}"]

    def outbox(self) -> Outbox:
        return Outbox(self.table("outbox"))

    def inbox(self) -> Inbox:
        return Inbox(self.table("inbox"))

    # --- entry points (the builders import this module, hence the local imports) -----

    def main(self) -> None:
        """The console script: ``leadflow-<name> api | consumer | migrate``."""
        from leadflow_shared.service.cli import command_line

        command_line(self)()

    def create_app(self, settings: S, ports: Mapping[str, object] | None = None) -> ASGIApp:
        from leadflow_shared.service.app import create_app

        return create_app(self, settings, ports)

    def app_from_env(self) -> ASGIApp:
        """The ``api`` process's app factory (uvicorn imports it by name)."""
        from leadflow_shared.logging import configure_logging
        from leadflow_shared.service.gc_tuning import tune_gc

        settings = self.settings()
        configure_logging(self.name, settings.log_level)
        app = self.create_app(settings)
        tune_gc()  # each worker process builds its app here: freeze it with the imports
        return app

    async def run_consumer(
        self, settings: S, stop: asyncio.Event, ports: Mapping[str, object] | None = None
    ) -> None:
        """The ``consumer`` process, until ``stop`` is set."""
        from leadflow_shared.service.worker import run_consumer

        await run_consumer(self, settings, stop, ports)

    def upgrade(self, database_url: str, revision: str = "head") -> None:
        """Apply the service's migrations up to ``revision``, as the given role."""
        from leadflow_shared.migrations import upgrade

        upgrade(self.metadata, self.schema, self.versions, database_url, revision)
