from __future__ import annotations

import asyncpg
import pytest
import sqlalchemy.exc
from aiokafka.errors import KafkaConnectionError

from leadflow_shared.http import as_unavailable
from leadflow_shared.retry import Backoff, is_transient


def test_infrastructure_failures_are_transient() -> None:
    assert is_transient(ConnectionRefusedError())
    assert is_transient(TimeoutError())
    assert is_transient(KafkaConnectionError())
    assert is_transient(sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("down")))


def test_programming_errors_are_not_transient() -> None:
    assert not is_transient(ValueError("bad"))
    # OSErrors about files are mistakes to fix, not outages to wait out.
    assert not is_transient(PermissionError("managed by the config file"))
    assert not is_transient(FileNotFoundError("leadflow.yaml"))
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


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
    ],
)
def test_a_restarting_overloaded_or_deadlocked_database_is_transient(error: Exception) -> None:
    assert is_transient(error)
    wrapped = sqlalchemy.exc.DBAPIError("SELECT 1", {}, error)  # as SQLAlchemy raises it
    assert is_transient(wrapped)


def test_constraint_violations_are_not_transient() -> None:
    error = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert not is_transient(error)
    assert not is_transient(sqlalchemy.exc.DBAPIError("INSERT", {}, error))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed mid-operation"),
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 12; another operation (2) is in progress"
        ),
    ],
)
def test_a_driver_connection_lost_or_upset_is_transient(error: Exception) -> None:
    assert is_transient(error)


def test_a_missing_unix_socket_is_transient_a_missing_file_is_not() -> None:
    socket_gone = FileNotFoundError(2, "No such file or directory")  # as a connect raises it
    assert is_transient(socket_gone)
    file_gone = FileNotFoundError(2, "No such file or directory", "/etc/leadflow.yaml")
    assert not is_transient(file_gone)
    assert not is_transient(PermissionError(13, "Permission denied", "/etc/leadflow.yaml"))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed mid-operation"),
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 12; another operation (2) is in progress"
        ),
        FileNotFoundError(2, "No such file or directory"),
    ],
)
def test_a_lost_database_connection_is_answered_503(error: Exception) -> None:
    unavailable = as_unavailable(error)
    assert unavailable is not None and unavailable.status_code == 503


def test_a_driver_bug_is_not_answered_503() -> None:
    assert as_unavailable(asyncpg.exceptions.ProtocolError("unexpected message")) is None
