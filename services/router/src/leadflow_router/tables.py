"""Every router table (the metadata migrations compare against)."""

from leadflow_router.assignments.tables import assignments
from leadflow_router.companies.tables import company_owners
from leadflow_router.feedback.tables import feedback
from leadflow_router.keys.tables import api_keys
from leadflow_router.partners.tables import partners
from leadflow_router.policy.tables import routing_policy
from leadflow_router.reps.tables import reps
from leadflow_router.schema import inbox, metadata, outbox

__all__ = [
    "api_keys",
    "assignments",
    "company_owners",
    "feedback",
    "inbox",
    "metadata",
    "outbox",
    "partners",
    "reps",
    "routing_policy",
]
