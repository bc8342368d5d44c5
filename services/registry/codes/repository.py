"""All SQL of the code master."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.registry.tables import (
    local_government_code_changes,
    local_government_code_successions,
    local_government_codes,
)

codes = local_government_codes
successions = local_government_code_successions
changes = local_government_code_changes


async def get(session: AsyncSession, code: str) -> Row[Any] | None:
    return (await session.execute(select(codes).where(codes.c.code == code))).one_or_none()


async def get_many(session: AsyncSession, wanted: Collection[str]) -> dict[str, Row[Any]]:
    if not wanted:
        return {}
    rows = (await session.execute(select(codes).where(codes.c.code.in_(list(wanted))))).all()
    return {row.code: row for row in rows}


async def links_of(session: AsyncSession, wanted: Collection[str]) -> list[Row[Any]]:
    if not wanted:
        return []
    listed = list(wanted)
    statement = select(successions).where(
        or_(successions.c.code.in_(listed), successions.c.successor_code.in_(listed))
    )
    return list((await session.execute(statement)).all())


async def master_version(connection: AsyncConnection) -> int:
    """The id of the latest recorded change, 0 before any: the version of the whole master."""
    return int(
        (await connection.execute(select(func.coalesce(func.max(changes.c.change_id), 0)))).scalar_one()
    )


async def all_codes(connection: AsyncConnection) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in await connection.execute(select(codes).order_by(codes.c.code))]


async def all_successions(connection: AsyncConnection) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in await connection.execute(select(successions))]


def list_statement(*, prefecture: str | None, kind: str | None, as_of: date | None) -> Select[Any]:
    statement = select(codes)
    if prefecture is not None:
        statement = statement.where(codes.c.code.startswith(prefecture))
    if kind is not None:
        statement = statement.where(codes.c.kind == kind)
    if as_of is not None:
        statement = statement.where(
            or_(codes.c.from_date.is_(None), codes.c.from_date <= as_of),
            or_(codes.c.to_date.is_(None), codes.c.to_date > as_of),
        )
    return statement


async def insert_change(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(changes).values(**values).returning(changes.c.change_id))
    return int(result.scalar_one())


async def retire(session: AsyncSession, wanted: Sequence[str], *, on: date) -> int:
    """Retire codes still open; the number retired (fewer means a concurrent change won)."""
    if not wanted:
        return 0
    result = await session.execute(
        update(codes).where(codes.c.code.in_(list(wanted)), codes.c.to_date.is_(None)).values(to_date=on)
    )
    return int(getattr(result, "rowcount", 0))


async def insert_codes(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(codes).values(list(rows)))


async def insert_successions(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(successions).values(list(rows)))


async def successions_of_changes(session: AsyncSession, change_ids: Collection[int]) -> list[Row[Any]]:
    if not change_ids:
        return []
    return list(
        (
            await session.execute(select(successions).where(successions.c.change_id.in_(list(change_ids))))
        ).all()
    )


def changes_statement() -> Select[Any]:
    return select(changes)


def change_values(*, recorded_at: datetime, **values: Any) -> dict[str, Any]:
    return {"recorded_at": recorded_at, **values}
