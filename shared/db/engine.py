"""The engine and the per-request session of one service's own database."""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from asyncpg import PostgresError
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn

from shared.db.batching import FetchesTogether
from shared.db.errors import ConnectionLostError

VAR_DIR = Path("var")


def default_sqlite_url(service: str) -> str:
    return f"sqlite+aiosqlite:///{VAR_DIR / (service + '.db')}"


def resolve_database_url(service: str, configured: str) -> str:
    return configured or default_sqlite_url(service)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


async def plan_for_own_values(session: AsyncSession) -> None:
    """PostgreSQL: plan this transaction's statements for their own parameter values.

    After five runs of a prepared statement PostgreSQL may switch to one generic plan for all
    values; where the best plan depends on the value (a rare or a common name, a small or a large
    municipality) that plan can read millions of rows. Elsewhere nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def create_engine(url: str, *, statement_cache_size: int = 100, pool_size: int = 10) -> AsyncEngine:
    """PostgreSQL through asyncpg, or the embedded SQLite file (created with its folder).

    Statement parameters are names, dates of birth and addresses: hidden from the text of every
    database error (which ends in logs) and from SQL echo."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, Any] = {
        "prepared_statement_cache_size": statement_cache_size,
        "statement_cache_size": statement_cache_size,
    }
    if statement_cache_size == 0:
        # Behind PgBouncer in transaction mode a server connection is shared between clients, so
        # statement names must be unique and never cached per client connection.
        connect_args["prepared_statement_name_func"] = _unique_statement_name
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        hide_parameters=True,
        connect_args=connect_args,
    )


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """A pooled connection's own driver connection (asyncpg), outside any transaction.

    For the few hot statements where SQLAlchemy's per-statement work costs more than the
    database: each statement sent on it commits by itself. Back to the pool on exit; a
    connection found closed is invalidated instead, and the failure raised as ConnectionLostError.
    """
    pooled = await engine.raw_connection()
    driver: Any = pooled.driver_connection
    try:
        yield driver
    except Exception as error:
        if driver.is_closed():
            await greenlet_spawn(pooled.invalidate)
            raise ConnectionLostError("the database connection was closed") from error
        await greenlet_spawn(pooled.close)
        raise
    await greenlet_spawn(pooled.close)


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class LentConnections:
    """A few of the pool's driver connections, kept out of it and lent for one statement at a time.

    A checkout from SQLAlchemy's pool costs about 75 µs here (asyncpg's own pool, 45 µs), more
    than the hottest single-row statement itself; lending from a list costs next to nothing.
    Connections are taken from the engine's pool as they are first needed, up to `size`; a
    statement that finds all of them busy waits for the next one given back. A connection that
    failed and is closed (raised as ConnectionLostError), or failed other than by a database error
    (cancelled mid-statement), is dropped, and the next statement takes a fresh one.
    """

    def __init__(self, engine: AsyncEngine, size: int) -> None:
        self.engine = engine
        self.size = size
        self.taken = 0
        self._idle: list[Any] = []
        self._waiters: deque[asyncio.Future[Any]] = deque()

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        pooled = await self._borrow()
        driver = pooled.driver_connection
        try:
            records: list[Any] = await driver.fetch(query, *args)
        except PostgresError as error:
            # A statement's error leaves the connection usable, a server shutting down does not.
            if driver.is_closed():
                await self._drop(pooled)
                raise ConnectionLostError("the database connection was closed") from error
            self._give_back(pooled)
            raise
        except Exception as error:
            await self._drop(pooled)
            if driver.is_closed():
                raise ConnectionLostError("the database connection was closed") from error
            raise
        except BaseException:
            await self._drop(pooled)
            raise
        self._give_back(pooled)
        return records

    async def _borrow(self) -> Any:
        while True:
            if self._idle:
                return self._idle.pop()
            if self.taken < self.size:
                self.taken += 1
                try:
                    return await self.engine.raw_connection()
                except BaseException:
                    self.taken -= 1
                    self._hand_over(None)
                    raise
            waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                pooled = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self._give_back(waiter.result())
                raise
            if pooled is not None:
                return pooled
            # None: a connection was dropped, so one more may be taken from the pool.

    def _give_back(self, pooled: Any) -> None:
        if not self._hand_over(pooled):
            self._idle.append(pooled)

    def _hand_over(self, pooled: Any) -> bool:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(pooled)
                return True
        return False

    async def _drop(self, pooled: Any) -> None:
        self.taken -= 1
        self._hand_over(None)
        await greenlet_spawn(pooled.invalidate)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        self.taken -= len(idle)
        for pooled in idle:
            await greenlet_spawn(pooled.close)


class Database:
    """Owns one service's engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, engine: AsyncEngine, *, hot_connections: int = 0) -> None:
        """`hot_connections` of the engine's pool (PostgreSQL) are lent to `driver_fetch`."""
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        hot = hot_connections if engine.dialect.name == "postgresql" else 0
        self._lent = LentConnections(engine, hot) if hot else None
        self._together = FetchesTogether(self.driver_fetch)

    async def driver_fetch(self, query: str, *args: Any) -> list[Any]:
        """PostgreSQL: the records of one statement sent straight to the driver, committing by
        itself; for the few hot reads where SQLAlchemy's own work costs more than the database.

        A read that finds its connection closed is sent once more: the server restarted or
        dropped us, so every connection from before is as stale and is let go first (a ping on
        every checkout would cost each request a round trip to spare the few after a restart).
        """
        try:
            return await self._driver_fetch_once(query, *args)
        except ConnectionLostError:
            await self.renew_connections()
        return await self._driver_fetch_once(query, *args)

    async def driver_write(self, query: str, *args: Any) -> list[Any]:
        """PostgreSQL: the records of one statement that writes, sent straight to the driver on a
        lent connection and committing by itself, sent once: a write whose connection was found
        closed may have committed, so it is not sent again (ConnectionLostError is raised). A
        database error (a unique violation, say) reaches the caller as the driver raised it."""
        return await self._driver_fetch_once(query, *args)

    async def _driver_fetch_once(self, query: str, *args: Any) -> list[Any]:
        if self._lent is not None:
            return await self._lent.fetch(query, *args)
        async with driver_connection(self.engine) as driver:
            records: list[Any] = await driver.fetch(query, *args)
        return records

    async def renew_connections(self) -> None:
        """Let every idle connection go (the lent ones, the pool's): the next statements connect anew."""
        if self._lent is not None:
            await self._lent.close()
        await self.engine.dispose()

    async def fetch_together(self, query: str, key_column: str, key: Hashable, *args: Any) -> list[Any]:
        """PostgreSQL: the records of `key`, read by one `driver_fetch` of `query` (keys as `$1`,
        `args` after) for every key asked for in the same event-loop turn (`FetchesTogether`)."""
        return await self._together.fetch(query, key_column, key, *args)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def autocommit_session(self) -> AsyncIterator[AsyncSession]:
        """A session whose statements each commit by themselves: no BEGIN and COMMIT round trips,
        and a row a statement locks is let go when that statement ends, not when the caller's
        event loop next gets to a COMMIT. For reads of one statement, and writes made atomic by
        being one statement."""
        async with self.sessionmaker() as session:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self._together.close()
        if self._lent is not None:
            await self._lent.close()
        await self.engine.dispose()
