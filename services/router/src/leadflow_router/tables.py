"""Every router table (the metadata migrations compare against)."""

from leadflow_router.assignments.tables import assignments, routings
from leadflow_router.companies.tables import company_owners
from leadflow_router.feedback.tables import feedback, lead_times
from leadflow_router.keys.tables import api_keys
from leadflow_router.partners.tables import partner_webhooks, partners
from leadflow_router.policy.tables import routing_policy
from leadflow_router.reps.tables import reps
from leadflow_router.schema import inbox, metadata, outbox
from leadflow_router.webhooks.tables import webhook_deliveries

__all__ = [
    "api_keys",
    "assignments",
    "company_owners",
    "feedback",
    "inbox",
    "lead_times",
    "metadata",
    "outbox",
    "partner_webhooks",
    "partners",
    "reps",
    "routing_policy",
    "routings",
    "webhook_deliveries",
]
