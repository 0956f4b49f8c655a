"""The ``api`` process: a service's FastAPI app, built from its declaration.

Every app has the operations routes (``/healthz``, ``/readyz``, ``/metrics``), one error
rendering for every :class:`~leadflow_shared.errors.LeadflowError`, the service's routers,
and its direct routes (bare ASGI endpoints for a hot path) ahead of FastAPI. Routes get
their unit of work through the ``UoW`` dependency.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from starlette.types import ASGIApp

from leadflow_shared.admin import AdminGate
from leadflow_shared.asgi import DirectRoutes
from leadflow_shared.http import add_operational_routes, install_error_handlers
from leadflow_shared.service.declaration import Api, S, Service, load
from leadflow_shared.service.runtime import Runtime, build_runtime
from leadflow_shared.uow import UnitOfWork


def runtime_of(request: Request) -> Runtime[Any]:
    runtime: Runtime[Any] = request.app.state.runtime
    return runtime


def new_unit_of_work(request: Request) -> UnitOfWork:
    """A unit of work for one request, not yet begun: the handler opens and commits it."""
    return runtime_of(request).unit_of_work()


UoW = Annotated[UnitOfWork, Depends(new_unit_of_work)]


def create_app(
    service: Service[S], settings: S, ports: Mapping[str, object] | None = None
) -> ASGIApp:
    runtime = build_runtime(
        service, settings, pool_size=settings.database_pool_size, role="api", ports=ports
    )
    extension: Api = load(service.api)(runtime) if service.api else Api()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What is alive after start-up lives as long as the process: keep it out of the
        # collector's full passes, whose pauses otherwise reach ~100 ms under load.
        gc.collect()
        gc.freeze()
        yield
        for step in extension.on_shutdown:
            await step()
        await runtime.db.dispose()

    app = FastAPI(
        title=f"leadflow {service.name}",
        version="1",
        description=service.description,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    add_operational_routes(
        app,
        service=service.name,
        db=runtime.db,
        kafka_bootstrap_servers=settings.kafka_bootstrap_servers,
        backlog_sql=service.outbox().backlog_sql,
        checks=extension.readiness,
    )
    for router in (*(load(path) for path in service.routers), *extension.routers):
        app.include_router(router)
    if extension.document is not None:
        extension.document(app)
    served: ASGIApp = DirectRoutes(app, extension.direct_routes) if extension.direct_routes else app
    # the admin API's key and body limit, checked before a body is read
    return AdminGate(served, settings.admin_api_key, prefixes=extension.admin_prefixes)
