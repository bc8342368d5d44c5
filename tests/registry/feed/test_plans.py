"""The feed filtered to resident-code changes reads its partial index, not the whole feed."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.feed.repository import events_after_statement
from tests.registry.conftest import Headers, Register

pytestmark = pytest.mark.postgres_only


async def test_following_code_changes_does_not_walk_the_feed(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    await register()
    engine = create_async_engine(registry_db)
    try:
        async with engine.begin() as connection:
            # 50,000 more events of the one resident: a feed in which code changes are rare.
            await connection.execute(
                text(
                    "INSERT INTO resident_events (sequence, resident_code, type, effective_date, "
                    "recorded_at, recorded_by, resident_version, snapshot) "
                    "SELECT s, resident_code, type, effective_date, recorded_at, recorded_by, "
                    "resident_version, snapshot FROM resident_events, generate_series(1000, 51000) s"
                )
            )
            await connection.execute(text("ANALYZE resident_events"))
            statement = events_after_statement(
                after=0, limit=1001, types={"resident_code_change"}, until=51_000
            )
            compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            sql = str(compiled)
            plan = "\n".join((await connection.execute(text(f"EXPLAIN {sql}"))).scalars())
    finally:
        await engine.dispose()
    assert "ix_resident_events_code_changes" in plan, plan
