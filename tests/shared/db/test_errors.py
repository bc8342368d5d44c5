"""Which database errors mean "cannot answer now" (503) rather than "this statement failed" (500)."""

from __future__ import annotations

import sqlite3

import pytest
from asyncpg.exceptions import AdminShutdownError, CannotConnectNowError, ConnectionDoesNotExistError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from shared.db.errors import ConnectionLostError, is_connection_lost, is_database_unavailable


def wrapped(orig: BaseException, *, invalidated: bool = False) -> OperationalError:
    """As SQLAlchemy raises it: the driver's error as `orig`, and raised from it."""
    error = OperationalError("SELECT 1", None, orig, connection_invalidated=invalidated)
    error.__cause__ = orig
    return error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed"),
        TimeoutError(),
        ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        AdminShutdownError("terminating connection due to administrator command"),
        CannotConnectNowError("the database system is starting up"),
        PoolTimeout("QueuePool limit of size 10 overflow 0 reached"),
        wrapped(Exception("server closed the connection"), invalidated=True),
        wrapped(sqlite3.OperationalError("database is locked")),
    ],
    ids=repr,
)
def test_a_database_that_cannot_answer_is_unavailable(error: BaseException) -> None:
    assert is_database_unavailable(error)
    outer = RuntimeError("raised while handling it")
    outer.__context__ = error
    assert is_database_unavailable(outer)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("not a date"),
        FileNotFoundError("settings.toml"),
        wrapped(sqlite3.OperationalError("no such table: residents")),
        IntegrityError("INSERT", None, Exception("duplicate key")),
    ],
    ids=repr,
)
def test_a_failed_statement_or_a_bug_is_not(error: BaseException) -> None:
    assert not is_database_unavailable(error)


def test_a_closed_connection_is_lost_a_refused_one_is_not() -> None:
    assert is_connection_lost(wrapped(Exception("connection is closed"), invalidated=True))
    lost = ConnectionLostError("the database connection was closed")
    lost.__cause__ = ConnectionDoesNotExistError("connection was closed in the middle of operation")
    assert is_connection_lost(lost)
    assert is_database_unavailable(lost)
    assert not is_connection_lost(ConnectionRefusedError(111, "Connect call failed"))
    assert not is_connection_lost(wrapped(sqlite3.OperationalError("database is locked")))
