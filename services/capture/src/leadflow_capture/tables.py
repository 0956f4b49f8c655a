"""Every capture table (the metadata migrations compare against)."""

from leadflow_capture.intake.tables import dedupe_keys, leads, seen_signatures, spam_counts
from leadflow_capture.schema import inbox, metadata, outbox
from leadflow_capture.sources.tables import sources

__all__ = [
    "dedupe_keys",
    "inbox",
    "leads",
    "metadata",
    "outbox",
    "seen_signatures",
    "sources",
    "spam_counts",
]
