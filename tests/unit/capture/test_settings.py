from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from leadflow_capture.settings import CaptureSettings

REQUIRED: dict[str, Any] = {"database_url": "postgresql://x@127.0.0.1/x", "ip_hash_salt": "s" * 16}


def test_the_commit_bound_is_a_second_by_default_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert CaptureSettings(**REQUIRED).commit_deadline_ms == 1000
    monkeypatch.setenv("LEADFLOW_COMMIT_DEADLINE_MS", "250")
    monkeypatch.setenv("LEADFLOW_COMMIT_QUEUE_MAX", "500")
    settings = CaptureSettings(**REQUIRED)
    assert (settings.commit_deadline_ms, settings.commit_queue_max) == (250, 500)


def test_a_bound_no_longer_than_the_batch_wait_is_refused() -> None:
    with pytest.raises(ValidationError, match="commit_deadline_ms must be longer"):
        CaptureSettings(**REQUIRED, commit_deadline_ms=50, commit_batch_wait_ms=50)
