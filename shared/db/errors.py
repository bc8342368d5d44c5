"""Telling a database that cannot answer now from a statement that failed.

The first is no fault of the request and passes (a restart, a failover, a full pool): the
caller is told to retry later (503 with Retry-After), not that the service is broken (500).
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

from asyncpg.exceptions import (
    OperatorInterventionError,
    PostgresConnectionError,
    TooManyConnectionsError,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class ConnectionLostError(ConnectionError):
    """A statement failed because its driver connection was closed under it: the server restarted,
    failed over or dropped the connection since it was last used."""


_UNAVAILABLE = (
    ConnectionError,  # refused, reset or broken on the way to the server
    TimeoutError,
    socket.gaierror,  # the server's name did not resolve
    PostgresConnectionError,  # the connection was lost or could not be made
    OperatorInterventionError,  # shutting down, crashed, or still starting up
    TooManyConnectionsError,
    PoolTimeout,  # every pooled connection stayed busy
)


def is_connection_lost(error: BaseException) -> bool:
    """True when a statement failed because its connection had been closed: the database is
    back (or another one took over), and the same work on a fresh connection may succeed."""
    for cause in _causes(error):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, ConnectionLostError):
            return True
    return False


def is_database_unavailable(error: BaseException) -> bool:
    """True when `error`, or what it wraps, says the database could not be reached or dropped us."""
    for cause in _causes(error):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, _UNAVAILABLE) or type(cause) is OSError:  # asyncpg: every address failed
            return True
        if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
            return True  # another process held the file past the busy timeout
    return False


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what it was raised from or wraps (SQLAlchemy's `orig`), each once."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = current.orig if isinstance(current, DBAPIError) else None
        pending.extend(
            (current.__context__, current.__cause__, orig if isinstance(orig, BaseException) else None)
        )
