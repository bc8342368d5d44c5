"""All SQL of tally sheets, entries and agreed counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import page_by
from services.elections.tables import tally_counts, tally_entries, tally_sheets
from shared.contracts.elections import SheetStatus
from shared.web.pagination import PageRequest, query_fingerprint


def _dialect_insert(session: AsyncSession) -> Any:
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert


async def sheet_for_update(
    session: AsyncSession,
    *,
    contest_id: int,
    unit_key: str,
    district_id: int,
    station_id: int | None,
    now: datetime,
) -> Row[Any]:
    """The sheet, created if new, locked until the end of the transaction so that two clerks'
    entries are assessed one after the other (PostgreSQL row lock; SQLite serialises writers)."""
    statement = (
        _dialect_insert(session)(tally_sheets)
        .values(
            contest_id=contest_id,
            counting_district_id=district_id,
            station_id=station_id,
            unit_key=unit_key,
            status="awaiting_second_entry",
            differences=[],
            problems=[],
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    await session.execute(statement)
    locked = (
        select(tally_sheets)
        .where(tally_sheets.c.contest_id == contest_id, tally_sheets.c.unit_key == unit_key)
        .with_for_update()
    )
    return (await session.execute(locked)).one()


async def unit_taken(
    session: AsyncSession, *, contest_id: int, district_id: int, station_level: bool
) -> bool:
    """Whether the other kind of sheet exists for this counting district (a district is counted
    either as a whole or station by station, never both)."""
    statement = select(tally_sheets.c.id).where(
        tally_sheets.c.contest_id == contest_id, tally_sheets.c.counting_district_id == district_id
    )
    if station_level:
        statement = statement.where(tally_sheets.c.station_id.is_(None))
    else:
        statement = statement.where(tally_sheets.c.station_id.is_not(None))
    return (await session.execute(statement.limit(1))).first() is not None


async def save_entry(
    session: AsyncSession, *, sheet_id: int, clerk_id: str, content: dict[str, Any], now: datetime
) -> None:
    statement = _dialect_insert(session)(tally_entries).values(
        sheet_id=sheet_id, clerk_id=clerk_id, content=content, entered_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[tally_entries.c.sheet_id, tally_entries.c.clerk_id],
        set_={"content": statement.excluded.content, "entered_at": statement.excluded.entered_at},
    )
    await session.execute(statement)


async def clear_entries(session: AsyncSession, sheet_id: int) -> None:
    """A recount restarts a counted sheet's double entry: its earlier entries stop counting (they stay in
    the audit log, which recorded each)."""
    await session.execute(delete(tally_entries).where(tally_entries.c.sheet_id == sheet_id))


async def entries_of(session: AsyncSession, sheet_id: int) -> dict[str, dict[str, Any]]:
    rows = await session.execute(
        select(tally_entries.c.clerk_id, tally_entries.c.content)
        .where(tally_entries.c.sheet_id == sheet_id)
        .order_by(tally_entries.c.entered_at, tally_entries.c.id)
    )
    return {row.clerk_id: dict(row.content) for row in rows}


async def clerks_of(session: AsyncSession, sheet_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(tally_entries.c.sheet_id, tally_entries.c.clerk_id)
        .where(tally_entries.c.sheet_id.in_(sheet_ids))
        .order_by(tally_entries.c.id)
    )
    clerks: dict[int, list[str]] = {sid: [] for sid in sheet_ids}
    for row in rows:
        clerks[row.sheet_id].append(row.clerk_id)
    return clerks


async def update_sheet(session: AsyncSession, sheet_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(tally_sheets).where(tally_sheets.c.id == sheet_id).values(**values))


async def replace_counts(session: AsyncSession, sheet_id: int, counts: dict[str, Any]) -> None:
    await session.execute(delete(tally_counts).where(tally_counts.c.sheet_id == sheet_id))
    if counts:
        await session.execute(
            insert(tally_counts),
            [{"sheet_id": sheet_id, "selection": k, "votes": v} for k, v in counts.items()],
        )


async def get_sheet(session: AsyncSession, sheet_id: int) -> Row[Any] | None:
    return (await session.execute(select(tally_sheets).where(tally_sheets.c.id == sheet_id))).one_or_none()


async def sheets_page(
    session: AsyncSession, contest_id: int, status: SheetStatus | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(tally_sheets).where(tally_sheets.c.contest_id == contest_id)
    if status is not None:
        statement = statement.where(tally_sheets.c.status == status.value)
    fingerprint = query_fingerprint("list_tally_sheets", contest_id=contest_id, status=status)
    return await page_by(session, statement, tally_sheets.c.id, page, fingerprint)
