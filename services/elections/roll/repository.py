"""All SQL of the voter roll."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Row, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import elections_where, in_any_election, page_by
from services.elections.tables import counting_districts, roll_builds, roll_entries, roll_feeds
from shared.web.pagination import PageRequest, query_fingerprint


async def municipalities_of(session: AsyncSession, election_id: int) -> list[str]:
    statement = (
        select(counting_districts.c.local_government_code)
        .where(counting_districts.c.election_id == election_id)
        .distinct()
        .order_by(counting_districts.c.local_government_code)
    )
    return list((await session.execute(statement)).scalars())


async def clear_roll(session: AsyncSession, election_id: int) -> None:
    await session.execute(delete(roll_entries).where(roll_entries.c.election_id == election_id))


KEY_COLUMNS = ("election_id", "resident_code")
ENTRY_COLUMNS = (
    *KEY_COLUMNS,
    "local_government_code",
    "on_roll",
    "reasons",
    "sex",
    "birth_date",
    "address",
    "station_id",
    "decided_at",
)


async def insert_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """New entries in bulk: COPY through the raw asyncpg connection (in the session's transaction) on
    PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(roll_entries), list(rows))
        return
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    records = [
        tuple(orjson.dumps(row[c]).decode() if c == "reasons" else row[c] for c in ENTRY_COLUMNS)
        for row in rows
    ]
    await raw.copy_records_to_table("roll_entries", records=records, columns=ENTRY_COLUMNS)


async def upsert_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(roll_entries)
    statement = statement.on_conflict_do_update(
        index_elements=[roll_entries.c.election_id, roll_entries.c.resident_code],
        set_={name: statement.excluded[name] for name in ENTRY_COLUMNS if name not in KEY_COLUMNS},
    )
    await session.execute(statement, list(rows))


async def count_entries(session: AsyncSession, election_id: int, *, on_roll: bool | None = None) -> int:
    statement = (
        select(func.count()).select_from(roll_entries).where(roll_entries.c.election_id == election_id)
    )
    if on_roll is not None:
        statement = statement.where(roll_entries.c.on_roll.is_(on_roll))
    return int((await session.execute(statement)).scalar_one())


async def get_entry(session: AsyncSession, election_id: int, resident_code: str) -> Row[Any] | None:
    statement = select(roll_entries).where(
        roll_entries.c.election_id == election_id, roll_entries.c.resident_code == resident_code
    )
    return (await session.execute(statement)).one_or_none()


async def codes_on_file(session: AsyncSession, election_id: int, codes: Iterable[str]) -> set[str]:
    statement = select(roll_entries.c.resident_code).where(
        roll_entries.c.election_id == election_id, roll_entries.c.resident_code.in_(list(codes))
    )
    return set((await session.execute(statement)).scalars())


async def voters_page(
    session: AsyncSession, election_id: int, station_id: int | None, code: str | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(roll_entries).where(
        roll_entries.c.election_id == election_id, roll_entries.c.on_roll.is_(True)
    )
    if station_id is not None:
        statement = statement.where(roll_entries.c.station_id == station_id)
    if code is not None:
        statement = statement.where(roll_entries.c.local_government_code == code)
    fingerprint = query_fingerprint("list_voters", election_id=election_id, station_id=station_id, code=code)
    return await page_by(session, statement, roll_entries.c.resident_code, page, fingerprint)


async def get_feed(session: AsyncSession, election_id: int) -> Row[Any] | None:
    return (
        await session.execute(select(roll_feeds).where(roll_feeds.c.election_id == election_id))
    ).one_or_none()


async def save_built_feed(session: AsyncSession, election_id: int, cursor: str | None, now: datetime) -> None:
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(roll_feeds).values(
        election_id=election_id, cursor=cursor, built_at=now, synced_at=None, version=1
    )
    statement = statement.on_conflict_do_update(
        index_elements=[roll_feeds.c.election_id],
        set_={"cursor": cursor, "built_at": now, "synced_at": None, "version": roll_feeds.c.version + 1},
    )
    await session.execute(statement)


async def advance_feed(
    session: AsyncSession, election_id: int, *, expected_version: int, cursor: str, now: datetime
) -> bool:
    """Move the cursor only if nobody else moved it since we read it."""
    result = await session.execute(
        update(roll_feeds)
        .where(roll_feeds.c.election_id == election_id, roll_feeds.c.version == expected_version)
        .values(cursor=cursor, synced_at=now, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def voters_with_address_prefix(
    session: AsyncSession, election_id: int, code: str, prefixes: Sequence[str]
) -> list[Any]:
    statement = select(roll_entries.c.resident_code, roll_entries.c.address, roll_entries.c.station_id).where(
        roll_entries.c.election_id == election_id,
        roll_entries.c.local_government_code == code,
        roll_entries.c.on_roll.is_(True),
        or_(*(roll_entries.c.address.like(_like_prefix(p), escape="\\") for p in prefixes)),
    )
    return list((await session.execute(statement)).all())


async def assign_stations(
    session: AsyncSession, election_id: int, assignments: dict[str, int | None]
) -> None:
    if not assignments:
        return
    await session.execute(
        update(roll_entries)
        .where(roll_entries.c.election_id == election_id, roll_entries.c.resident_code == bindparam("code"))
        .values(station_id=bindparam("station")),
        [{"code": code, "station": station} for code, station in assignments.items()],
    )


# --- builds ------------------------------------------------------------------------------------


async def add_build(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(roll_builds).values(**values).returning(roll_builds.c.id))
    return int(result.scalar_one())


async def get_build(session: AsyncSession, election_id: int, build_id: int) -> Row[Any] | None:
    statement = select(roll_builds).where(
        roll_builds.c.election_id == election_id, roll_builds.c.id == build_id
    )
    return (await session.execute(statement)).one_or_none()


async def update_build(session: AsyncSession, build_id: int, **values: Any) -> None:
    await session.execute(update(roll_builds).where(roll_builds.c.id == build_id).values(**values))


async def end_stale_builds(
    session: AsyncSession, election_id: int, *, beat_before: datetime, problem: dict[str, Any], now: datetime
) -> None:
    """Builds whose worker stopped beating (its process ended) are failed, which frees the election."""
    await session.execute(
        update(roll_builds)
        .where(
            roll_builds.c.election_id == election_id,
            roll_builds.c.active_election_id.is_not(None),
            roll_builds.c.heartbeat_at < beat_before,
        )
        .values(state="failed", active_election_id=None, finished_at=now, problem=problem)
    )


async def last_succeeded_build(session: AsyncSession, election_id: int) -> Row[Any] | None:
    statement = (
        select(roll_builds)
        .where(roll_builds.c.election_id == election_id, roll_builds.c.state == "succeeded")
        .order_by(roll_builds.c.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).first()


async def active_build(session: AsyncSession, election_id: int) -> Row[Any] | None:
    statement = select(roll_builds).where(roll_builds.c.active_election_id == election_id)
    return (await session.execute(statement)).one_or_none()


async def move_entries(session: AsyncSession, former: str, new: str) -> None:
    """住民票コードの変更: the entries filed under `former` move to `new`, in every election; where
    `new` has an entry already (a build after the change made it from the registry), the one under
    `former` is dropped."""
    filed = in_any_election(roll_entries.c.election_id)
    with_new = elections_where(roll_entries.c.resident_code, new)
    await session.execute(
        delete(roll_entries).where(
            filed, roll_entries.c.resident_code == former, roll_entries.c.election_id.in_(with_new)
        )
    )
    await session.execute(
        update(roll_entries).where(filed, roll_entries.c.resident_code == former).values(resident_code=new)
    )
