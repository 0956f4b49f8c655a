"""Every score table (the metadata migrations compare against)."""

from leadflow_score.rules.tables import (
    feedback,
    replayed_scores,
    rule_sets,
    score_history,
    score_inputs,
    scores,
)
from leadflow_score.schema import inbox, metadata, outbox

__all__ = [
    "feedback",
    "inbox",
    "metadata",
    "outbox",
    "replayed_scores",
    "rule_sets",
    "score_history",
    "score_inputs",
    "scores",
]
