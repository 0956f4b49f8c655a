"""router's API beyond its static routers: those that need the process's ports and
settings (the clock, the admin key, and the keys of reps and partners)."""

from __future__ import annotations

from typing import Any

from leadflow_router.answers import endpoints as answers
from leadflow_router.assignments.endpoints import audit_router
from leadflow_router.claims import endpoints as claims
from leadflow_router.feedback import endpoints as feedback
from leadflow_router.keys import endpoints as keys
from leadflow_router.reps import endpoints as reps
from leadflow_shared.service import Api, Runtime


def router_api(runtime: Runtime[Any]) -> Api:
    # the admin API (/v1/admin: the keys, reps set inactive or out of office) is behind the
    # admin key; the reps' read API is open (it reads the clock: who is at work now);
    # claims, answers and feedback take the admin key or the acting rep's or partner's own,
    # and so does the audit (a lead's history, for those who had it); the reports take the
    # admin key
    return Api(
        routers=[
            keys.router(runtime),
            reps.router(runtime),
            reps.admin(runtime),
            claims.router(runtime),
            answers.router(runtime),
            feedback.router(runtime),
            audit_router(runtime),
        ],
        admin_prefixes=["/v1/reports"],
    )
