"""Recognising the same lead twice: an Idempotency-Key, or an identical double submit."""

from __future__ import annotations

import hashlib
import json

from leadflow_shared.events.v1 import LeadSubmission

IDEMPOTENCY_TTL_S = 24 * 3600


# The time of consent is when the submission arrived, not part of what was submitted.
_NOT_SUBMITTED: dict[str, set[str] | bool] = {"consent": {"given_at"}, "custom": True}


def fingerprint(submission: LeadSubmission) -> str:
    """A digest of what was submitted: identical submissions have the same fingerprint
    (the order of free-form ``custom`` fields does not matter)."""
    canonical = submission.model_dump_json(exclude=_NOT_SUBMITTED)
    if submission.custom:
        canonical += json.dumps(
            submission.custom, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    return "fp:" + hashlib.sha256(canonical.encode()).hexdigest()


def dedupe_key(
    submission: LeadSubmission, idempotency_key: str | None, duplicate_window_s: int
) -> tuple[str, int] | None:
    """The key under which this submission is remembered, and for how many seconds.

    A client's Idempotency-Key wins for a day; otherwise identical submissions within the
    source's duplicate window are the same lead (a double click on the submit button).
    """
    if idempotency_key is not None:
        return "key:" + idempotency_key, IDEMPOTENCY_TTL_S
    if duplicate_window_s > 0:
        return fingerprint(submission), duplicate_window_s
    return None
