"""Every verify table (the metadata migrations compare against)."""

from leadflow_verify.contact.tables import verifications
from leadflow_verify.dedupe.tables import people
from leadflow_verify.opt_in.tables import confirmation_mails, confirmations
from leadflow_verify.schema import inbox, metadata, outbox
from leadflow_verify.suppression.tables import suppressions

__all__ = [
    "confirmation_mails",
    "confirmations",
    "inbox",
    "metadata",
    "outbox",
    "people",
    "suppressions",
    "verifications",
]
