from __future__ import annotations

import json
import logging
import uuid

import pytest

from leadflow_shared.logging import configure_logging, get_logger, log_context


def test_log_lines_are_json_with_the_lead_and_correlation_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("verify", "INFO")
    try:
        lead_id, correlation_id = uuid.uuid4(), uuid.uuid4()
        with log_context(lead_id=lead_id, correlation_id=correlation_id, causation_id=None):
            get_logger("test").info("lead verified", checks=3)
        get_logger("test").info("outside")
        logging.getLogger("aiokafka").warning("from the standard library")
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    inside, outside, foreign = lines
    assert inside["event"] == "lead verified" and inside["checks"] == 3
    assert inside["lead_id"] == str(lead_id) and inside["correlation_id"] == str(correlation_id)
    assert inside["service"] == "verify" and inside["level"] == "info" and "timestamp" in inside
    assert "causation_id" not in inside
    assert "lead_id" not in outside
    assert foreign["event"] == "from the standard library" and foreign["level"] == "warning"
