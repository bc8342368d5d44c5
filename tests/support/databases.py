"""One test database per service: a SQLite file, or a PostgreSQL database when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import MetaData, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.migrations import upgrade_to_head_async

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"


def postgres_base_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def database_prefix() -> str:
    """Set TEST_DATABASE_PREFIX to keep two suites running at once on one server apart."""
    return os.environ.get("TEST_DATABASE_PREFIX") or "jichi_test"


def on_postgres() -> bool:
    return postgres_base_url() is not None


async def fresh_database(name: str, sqlite_dir: Path) -> str:
    """An empty database named for the test package; returns its URL."""
    base = postgres_base_url()
    if base is None:
        path = sqlite_dir / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    parsed = make_url(base)
    database = f"{database_prefix()}_{name}"
    admin = create_async_engine(parsed, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    await admin.dispose()
    return parsed.set(database=database).render_as_string(hide_password=False)


async def prepare_database(service: str, sqlite_dir: Path, *, name: str | None = None) -> str:
    """A fresh database for the service, migrated to head with its own Alembic revisions.

    `name` (default: the service's) keeps a suite's databases apart from the other suites'.
    """
    url = await fresh_database(name or service, sqlite_dir)
    await upgrade_to_head_async(SERVICES_DIR / service / "migrations", url)
    return url


async def empty_tables(url: str, metadata: MetaData, keep: frozenset[str] = frozenset()) -> None:
    """Delete every row the test wrote, children first; reference data in `keep` stays."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if table.name not in keep:
                await connection.execute(delete(table))
    await engine.dispose()
