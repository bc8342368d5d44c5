"""All SQL of suspensions of the vote."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import page_by
from services.elections.tables import suspensions
from shared.db.reads import CompiledRead, Reader
from shared.web.pagination import PageRequest, query_fingerprint


async def add(session: AsyncSession, values: dict[str, Any]) -> Row[Any]:
    return (await session.execute(insert(suspensions).values(**values).returning(*suspensions.c))).one()


_SUSPENSION = CompiledRead(select(suspensions).where(suspensions.c.id == bindparam("id")))


async def get(reader: Reader, suspension_id: int) -> Row[Any] | None:
    row: Row[Any] | None = await _SUSPENSION.one_or_none(reader, id=suspension_id)
    return row


async def lift(session: AsyncSession, suspension_id: int, values: dict[str, Any]) -> Row[Any] | None:
    """The suspension as lifted, or None when it was lifted already (the first lift wins a race)."""
    statement = (
        update(suspensions)
        .where(suspensions.c.id == suspension_id, suspensions.c.lifted_on.is_(None))
        .values(**values)
        .returning(*suspensions.c)
    )
    return (await session.execute(statement)).one_or_none()


async def page_of(
    session: AsyncSession, resident_code: str | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(suspensions)
    if resident_code is not None:
        statement = statement.where(suspensions.c.resident_code == resident_code)
    fingerprint = query_fingerprint("list_suspensions", resident_code=resident_code)
    return await page_by(session, statement, suspensions.c.id, page, fingerprint)


async def of_vote_over(
    session: AsyncSession, resident_codes: Collection[str], first: date, last: date
) -> list[Row[Any]]:
    """Suspensions of the vote of these residents that may cover a day from `first` to `last`."""
    if not resident_codes:
        return []
    statement = (
        select(suspensions)
        .where(
            suspensions.c.resident_code.in_(list(resident_codes)),
            suspensions.c.suspends_voting.is_(True),
            suspensions.c.from_date <= last,
            or_(suspensions.c.until_date.is_(None), suspensions.c.until_date >= first),
            or_(suspensions.c.lifted_on.is_(None), suspensions.c.lifted_on > first),
        )
        .order_by(suspensions.c.id)
    )
    return list((await session.execute(statement)).all())


async def move_suspensions(session: AsyncSession, former: str, new: str) -> None:
    """住民票コードの変更: the person's notices follow them to the new code, so no roll built from the
    registry (which knows only the new code) misses one."""
    await session.execute(
        update(suspensions).where(suspensions.c.resident_code == former).values(resident_code=new)
    )
