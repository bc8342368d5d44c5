"""The engine and the per-request session of one service's own database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn

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
    """PostgreSQL through asyncpg, or the embedded SQLite file (created with its folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
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
        connect_args=connect_args,
    )


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """A pooled connection's own driver connection (asyncpg), outside any transaction.

    For the few hot statements where SQLAlchemy's per-statement work costs more than the
    database: each statement sent on it commits by itself. Back to the pool on exit.
    """
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    finally:
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


class Database:
    """Owns one service's engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

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

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
