"""Every service's declaration: its import paths resolve, and each process loads only its
own stack (the consumer no web framework, the API no broker client and no stage handler):
less memory, quicker starts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi import APIRouter

from leadflow_shared.service.declaration import load
from tests.conftest import DECLARATIONS


@pytest.mark.parametrize("name", sorted(DECLARATIONS))
def test_routers_and_api_hook_resolve(name: str) -> None:
    service = DECLARATIONS[name]
    assert all(isinstance(load(path), APIRouter) for path in service.routers)
    assert all(callable(load(s.handler)) for s in service.subscriptions)
    if service.api is not None:
        assert callable(load(service.api))
    assert service.routers or service.api  # every service has an API


def loaded_after(code: str, *, modules: bool = False) -> set[str]:
    """The top-level packages (or, with ``modules``, also every module by its full name) a
    fresh interpreter has loaded after running ``code``."""
    names = "{m, m.split('.')[0]}" if modules else "{m.split('.')[0]}"
    script = (
        f"{code}\nimport sys\nprint(' '.join(sorted({{n for m in sys.modules for n in {names}}})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("name", sorted(DECLARATIONS))
def test_the_consumer_side_loads_no_web_stack_and_the_api_side_no_broker_client(
    name: str,
) -> None:
    service = DECLARATIONS[name]
    consumer = loaded_after(
        f"import leadflow_{name}.service\nimport leadflow_shared.service.worker"
    )
    assert not consumer & {"fastapi", "starlette", "uvicorn"}
    imports = "\n".join(
        f"load({path!r})" for path in [*service.routers, *filter(None, [service.api])]
    )
    api = loaded_after(
        f"import leadflow_{name}.service\nfrom leadflow_shared.service.app import load\n{imports}",
        modules=True,
    )
    assert "fastapi" in api and "aiokafka" not in api
    handlers = {s.handler.partition(":")[0] for s in service.subscriptions}
    assert not api & handlers  # nor does it load what only the stages use
