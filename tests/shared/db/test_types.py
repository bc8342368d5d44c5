"""UtcDateTime: every timestamp comes back timezone-aware UTC, from either database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Column, Integer, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.base import new_metadata
from shared.db.types import UtcDateTime
from tests.support.databases import fresh_database

metadata = new_metadata()
moments = Table(
    "moments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=True),
)
JST = timezone(timedelta(hours=9))


async def test_round_trip_is_aware_utc(sqlite_dir: Path) -> None:
    url = await fresh_database("types", sqlite_dir)
    engine = create_async_engine(url)
    written = {
        1: datetime(2026, 11, 27, 9, 0, tzinfo=JST),
        2: datetime(2026, 11, 27, 0, 0, tzinfo=UTC),
        3: datetime(2026, 11, 27, 0, 0),
        4: None,
    }
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(moments), [{"id": k, "at": v} for k, v in written.items()])
        rows = {row.id: row.at for row in await connection.execute(select(moments.c.id, moments.c.at))}
    await engine.dispose()
    expected = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    assert rows == {1: expected, 2: expected, 3: expected, 4: None}
    assert all(value is None or value.utcoffset() == timedelta(0) for value in rows.values())


def test_asyncpg_values_are_taken_as_they_come() -> None:
    """asyncpg gives every timestamptz as an aware UTC datetime: no call per value there; SQLite's
    naive text still goes through the conversion (the round trip above holds both)."""
    column_type = UtcDateTime()
    assert column_type.result_processor(postgresql.asyncpg.dialect(), None) is None  # type: ignore[no-untyped-call]
    assert column_type.result_processor(sqlite.aiosqlite.dialect(), None) is not None
