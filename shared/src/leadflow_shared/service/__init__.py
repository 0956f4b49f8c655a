"""The stage kit: a service is one declaration (:class:`Service`), and ``api``, ``consumer``
and ``migrate``, readiness and metrics are built from it.

    declaration  Service, Subscription, Chore, Api: what a service states about itself
    runtime      a process's settings, database and ports; handlers bound to their ports
    app          the ``api`` process: the FastAPI app, and the ``UoW`` dependency
    worker       the ``consumer`` process: topics, relay, consumer, chores, operations
    operations   the consumer process's /healthz, /readyz and /metrics
    cli          ``leadflow-<service> api | consumer | migrate``
"""

from leadflow_shared.service.declaration import Api, Chore, Service, Subscription
from leadflow_shared.service.runtime import Runtime

__all__ = ["Api", "Chore", "Runtime", "Service", "Subscription"]
