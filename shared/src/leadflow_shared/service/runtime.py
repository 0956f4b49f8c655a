"""A process's view of its service: settings, database, ports, and handlers bound to the
ports they name (cosmicpython's ``bootstrap``: collaborators are injected once, so tests
swap a fake in one place)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from leadflow_shared.db import Database
from leadflow_shared.events.envelope import Envelope
from leadflow_shared.ports import Clock
from leadflow_shared.service.declaration import Service, load
from leadflow_shared.settings import ServiceSettings
from leadflow_shared.uow import UnitOfWork

if TYPE_CHECKING:  # the api process never loads the broker client
    from leadflow_shared.messaging.stage import StageHandler

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Runtime(Generic[S]):
    service: Service[S]
    settings: S
    db: Database
    ports: Mapping[str, object]

    def unit_of_work(self) -> UnitOfWork:
        return self.db.unit_of_work()

    def port(self, name: str, kind: type[Any]) -> Any:
        """The port ``name``, checked to be a ``kind``."""
        value = self.ports[name]
        if not isinstance(value, kind):
            raise TypeError(f"port {name!r} is a {type(value).__name__}, not a {kind.__name__}")
        return value

    def stage_handlers(self) -> dict[type[Envelope], StageHandler]:
        """Each subscribed event class's handler, bound to its ports."""
        return {s.event: inject(load(s.handler), self.ports) for s in self.service.subscriptions}


def build_runtime(
    service: Service[S],
    settings: S,
    *,
    pool_size: int,
    role: str,
    pre_ping: bool = True,
    ports: Mapping[str, object] | None = None,
) -> Runtime[S]:
    """The process's database and ports; ``ports`` replace the service's own (fakes)."""
    db = Database(
        settings.database_url,
        pool_size=pool_size,
        application_name=f"{service.name}-{role}",
        outbox=service.outbox(),
        pre_ping=pre_ping,
    )
    every_port = {"clock": Clock(), **service.ports(settings), **(ports or {})}
    runtime = Runtime(service, settings, db, every_port)
    runtime.stage_handlers()  # a handler naming a port nobody provides fails here, at start
    return runtime


def inject(handler: Any, ports: Mapping[str, object]) -> StageHandler:
    """``handler`` with its keyword-only parameters filled from ``ports`` by name."""
    wanted = [
        p
        for p in inspect.signature(handler).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    missing = [p.name for p in wanted if p.name not in ports and p.default is p.empty]
    if missing:
        raise TypeError(f"{handler.__qualname__} needs ports nobody provides: {missing}")
    bound = {p.name: ports[p.name] for p in wanted if p.name in ports}
    result: StageHandler = functools.partial(handler, **bound) if bound else handler
    return result
