"""Every score table (the metadata migrations compare against)."""

from leadflow_score.rules.tables import scores
from leadflow_score.schema import inbox, metadata, outbox

__all__ = ["inbox", "metadata", "outbox", "scores"]
