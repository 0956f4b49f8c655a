"""router's API beyond its static routers: those that need the process's ports and
settings (feedback: the clock and the admin key)."""

from __future__ import annotations

from typing import Any

from leadflow_router.feedback import endpoints as feedback
from leadflow_shared.service import Api, Runtime


def router_api(runtime: Runtime[Any]) -> Api:
    # feedback takes the admin key until reps and partners have keys of their own
    return Api(routers=[feedback.router(runtime)], admin_prefixes=["/v1/assignments"])
