"""Every verify table (the metadata migrations compare against)."""

from leadflow_verify.contact.tables import verifications
from leadflow_verify.dedupe.tables import people
from leadflow_verify.schema import inbox, metadata, outbox

__all__ = ["inbox", "metadata", "outbox", "people", "verifications"]
