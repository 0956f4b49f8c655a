"""verify's API as its process composes it: the admin routes need the process's settings,
the confirmation links its ports (only the ``api`` process imports this)."""

from __future__ import annotations

from typing import Any

from leadflow_shared.service import Api, Runtime
from leadflow_verify.opt_in import endpoints as opt_in
from leadflow_verify.suppression import endpoints as suppression


def verify_api(runtime: Runtime[Any]) -> Api:
    return Api(routers=[suppression.router(runtime), opt_in.router(runtime)])
