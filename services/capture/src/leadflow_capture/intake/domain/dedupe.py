"""Recognising the same lead twice: an Idempotency-Key, or an identical double submit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from leadflow_shared.events.v1 import LeadSubmission

IDEMPOTENCY_TTL_S = 24 * 3600

# The time of consent is when the submission arrived, not part of what was submitted.
_NOT_SUBMITTED: dict[str, set[str] | bool] = {"consent": {"given_at"}, "custom": True}


def fingerprint(submission: LeadSubmission) -> str:
    """What was submitted, in one canonical text: identical submissions have the same
    fingerprint (the order of free-form ``custom`` fields does not matter)."""
    canonical = submission.model_dump_json(exclude=_NOT_SUBMITTED)
    if submission.custom:
        canonical += json.dumps(
            submission.custom, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    return canonical


def key_digest(source_id: str, kind: str, value: str) -> bytes:
    """A dedupe key as stored: 16 bytes of SHA-256 over the source, the kind of key and its
    value (a source id has no ":"). Short keys keep the unique index small and quick."""
    return hashlib.sha256(f"{source_id}:{kind}:{value}".encode()).digest()[:16]


@dataclass(frozen=True, slots=True)
class DedupeKey:
    key: bytes
    ttl_s: int
    # what an Idempotency-Key was first used with: the same key with another submission is
    # refused (a fingerprint's key is its content, so it has none)
    body: bytes | None = None


def dedupe_key(
    source_id: str,
    submission: LeadSubmission,
    idempotency_key: str | None,
    duplicate_window_s: int,
) -> DedupeKey | None:
    """The key under which this submission is remembered, and for how many seconds.

    A client's Idempotency-Key wins for a day, tied to what was submitted with it;
    otherwise identical submissions within the source's duplicate window are the same lead
    (a double click on the submit button).
    """
    if idempotency_key is not None:
        body = key_digest(source_id, "body", fingerprint(submission))
        return DedupeKey(key_digest(source_id, "key", idempotency_key), IDEMPOTENCY_TTL_S, body)
    if duplicate_window_s > 0:
        return DedupeKey(key_digest(source_id, "fp", fingerprint(submission)), duplicate_window_s)
    return None
