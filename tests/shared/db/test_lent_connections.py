"""LentConnections: a few driver connections lent one statement at a time, never more than its size."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from asyncpg import PostgresError

from shared.db.engine import Database, LentConnections, create_engine
from shared.db.errors import ConnectionLostError
from tests.support.databases import fresh_database, on_postgres


class FakeDriver:
    def __init__(self, number: int, gate: asyncio.Event) -> None:
        self.number = number
        self.gate = gate
        self.busy = False
        self.fail_with: BaseException | None = None
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        assert not self.busy, "a driver connection runs one statement at a time"
        self.busy = True
        try:
            await self.gate.wait()
            if self.fail_with is not None:
                raise self.fail_with
            return [(self.number, query, args)]
        finally:
            self.busy = False


class FakePooled:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver_connection = driver
        self.invalidated = False
        self.closed = False

    def invalidate(self) -> None:
        self.invalidated = True

    def close(self) -> None:
        self.closed = True


class FakeEngine:
    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.handed_out: list[FakePooled] = []

    async def raw_connection(self) -> FakePooled:
        pooled = FakePooled(FakeDriver(len(self.handed_out), self.gate))
        self.handed_out.append(pooled)
        return pooled


async def test_never_more_statements_at_once_than_connections() -> None:
    engine = FakeEngine()
    lent = LentConnections(engine, 3)  # type: ignore[arg-type]
    engine.gate.clear()
    statements = [asyncio.create_task(lent.fetch("SELECT $1", n)) for n in range(50)]
    await asyncio.sleep(0.01)
    assert len(engine.handed_out) == 3
    engine.gate.set()
    answers = await asyncio.gather(*statements)
    assert [answer[0][2] for answer in answers] == [(n,) for n in range(50)]
    assert {answer[0][0] for answer in answers} == {0, 1, 2}
    assert lent.taken == 3


async def test_a_database_error_keeps_the_connection_anything_else_drops_it() -> None:
    engine = FakeEngine()
    lent = LentConnections(engine, 1)  # type: ignore[arg-type]
    await lent.fetch("SELECT 1")
    first = engine.handed_out[0]
    first.driver_connection.fail_with = PostgresError("no such row")
    with pytest.raises(PostgresError):
        await lent.fetch("SELECT 1")
    assert not first.invalidated
    first.driver_connection.fail_with = ConnectionResetError()
    with pytest.raises(ConnectionResetError):
        await lent.fetch("SELECT 1")
    assert first.invalidated
    assert (await lent.fetch("SELECT 2"))[0][0] == 1
    assert len(engine.handed_out) == 2


async def test_a_database_error_on_a_connection_the_server_closed_drops_it() -> None:
    engine = FakeEngine()
    lent = LentConnections(engine, 1)  # type: ignore[arg-type]
    await lent.fetch("SELECT 1")
    first = engine.handed_out[0].driver_connection
    first.fail_with = PostgresError("terminating connection due to administrator command")
    first.closed = True
    with pytest.raises(ConnectionLostError):
        await lent.fetch("SELECT 1")
    assert engine.handed_out[0].invalidated
    assert (await lent.fetch("SELECT 2"))[0][0] == 1


async def one_busy_one_waiting() -> tuple[FakeEngine, LentConnections, asyncio.Task[Any], asyncio.Task[Any]]:
    """One connection, held by a statement that has not finished, and a second statement in line."""
    engine = FakeEngine()
    lent = LentConnections(engine, 1)  # type: ignore[arg-type]
    engine.gate.clear()
    running = asyncio.create_task(lent.fetch("SELECT 1"))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(lent.fetch("SELECT 2"))
    await asyncio.sleep(0)
    return engine, lent, running, waiting


async def test_a_waiter_gets_a_fresh_connection_when_the_busy_one_is_dropped() -> None:
    engine, lent, failing, waiting = await one_busy_one_waiting()
    engine.handed_out[0].driver_connection.fail_with = ConnectionResetError()
    engine.gate.set()
    with pytest.raises(ConnectionResetError):
        await failing
    assert (await waiting)[0][0] == 1
    assert lent.taken == 1


async def test_a_cancelled_waiter_leaves_nothing_behind() -> None:
    engine, lent, running, waiting = await one_busy_one_waiting()
    waiting.cancel()
    engine.gate.set()
    await running
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (await lent.fetch("SELECT 3"))[0][0] == 0
    await lent.close()
    assert engine.handed_out[0].closed
    assert lent.taken == 0


async def test_on_postgres_the_statements_share_the_hot_connections(sqlite_dir: Path) -> None:
    if not on_postgres():
        pytest.skip("driver connections are lent on PostgreSQL only")
    url = await fresh_database("lent", sqlite_dir)
    database = Database(create_engine(url, pool_size=4), hot_connections=2)
    try:
        backends = await asyncio.gather(
            *(database.driver_fetch("SELECT pg_backend_pid()") for _ in range(40))
        )
        assert len({records[0][0] for records in backends}) <= 2
    finally:
        await database.dispose()


async def test_on_sqlite_statements_take_pooled_connections(sqlite_dir: Path) -> None:
    if on_postgres():
        pytest.skip("SQLite's own case")
    url = await fresh_database("lent", sqlite_dir)
    database = Database(create_engine(url), hot_connections=2)
    assert database._lent is None
    await database.dispose()


class FirstConnectionLost(FakeEngine):
    """The first connection it hands out was closed by the server; the next ones work."""

    async def raw_connection(self) -> FakePooled:
        pooled = await super().raw_connection()
        if len(self.handed_out) == 1:
            pooled.driver_connection.fail_with = ConnectionResetError("closed by the server")
            pooled.driver_connection.closed = True
        return pooled


async def test_a_read_is_sent_again_after_a_lost_connection_a_write_is_not(sqlite_dir: Path) -> None:
    url = await fresh_database("lent-writes", sqlite_dir)
    database = Database(create_engine(url))
    try:
        reading = FirstConnectionLost()
        database._lent = LentConnections(reading, 1)  # type: ignore[arg-type]
        assert await database.driver_fetch("SELECT 1") == [(1, "SELECT 1", ())]
        assert len(reading.handed_out) == 2

        # A write may have committed before its connection was lost: sent again it could apply twice.
        writing = FirstConnectionLost()
        database._lent = LentConnections(writing, 1)  # type: ignore[arg-type]
        with pytest.raises(ConnectionLostError):
            await database.driver_write("INSERT ...")
        assert len(writing.handed_out) == 1
    finally:
        await database.dispose()
