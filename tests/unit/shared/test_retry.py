from __future__ import annotations

import sqlalchemy.exc
from aiokafka.errors import KafkaConnectionError

from leadflow_shared.retry import Backoff, is_transient


def test_infrastructure_failures_are_transient() -> None:
    assert is_transient(ConnectionRefusedError())
    assert is_transient(TimeoutError())
    assert is_transient(KafkaConnectionError())
    assert is_transient(sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("down")))


def test_programming_errors_are_not_transient() -> None:
    assert not is_transient(ValueError("bad"))
    assert not is_transient(KeyError("x"))
    assert not is_transient(sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("dup")))


def test_backoff_grows_then_stays_capped_and_resets() -> None:
    backoff = Backoff(initial_s=0.1, maximum_s=1.0)
    delays = [backoff.next_delay() for _ in range(8)]
    assert 0.05 <= delays[0] <= 0.1
    assert all(d <= 1.0 for d in delays)
    assert delays[-1] >= 0.5
    backoff.reset()
    assert backoff.next_delay() <= 0.1
