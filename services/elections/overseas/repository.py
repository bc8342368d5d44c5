"""All SQL of the overseas roll."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import move_standing, page_by
from services.elections.tables import check_ins, contests, overseas_applications, overseas_entries
from shared.web.pagination import PageRequest, query_fingerprint


async def add_application(session: AsyncSession, values: dict[str, Any]) -> Row[Any]:
    statement = insert(overseas_applications).values(**values).returning(*overseas_applications.c)
    return (await session.execute(statement)).one()


async def get_application(reader: AsyncSession, application_id: int) -> Row[Any] | None:
    statement = select(overseas_applications).where(overseas_applications.c.id == application_id)
    return (await reader.execute(statement)).one_or_none()


async def update_application(session: AsyncSession, application_id: int, values: dict[str, Any]) -> Row[Any]:
    statement = (
        update(overseas_applications)
        .where(overseas_applications.c.id == application_id)
        .values(**values)
        .returning(*overseas_applications.c)
    )
    return (await session.execute(statement)).one()


async def standing_entry(session: AsyncSession, resident_code: str) -> Row[Any] | None:
    statement = select(overseas_entries).where(overseas_entries.c.active_resident_code == resident_code)
    return (await session.execute(statement)).one_or_none()


_INSERT_UNLESS_TAKEN = {
    name: dialect.insert(overseas_entries).on_conflict_do_nothing().returning(*overseas_entries.c)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def next_number(session: AsyncSession, local_government_code: str) -> int:
    statement = select(func.coalesce(func.max(overseas_entries.c.number), 0) + 1).where(
        overseas_entries.c.local_government_code == local_government_code
    )
    return int((await session.execute(statement)).scalar_one())


async def add_entry_unless_taken(session: AsyncSession, values: dict[str, Any]) -> Row[Any] | None:
    """The new entry, or None when its number or the person's standing entry exists already."""
    statement = _INSERT_UNLESS_TAKEN[session.get_bind().dialect.name]
    return (await session.execute(statement, values)).one_or_none()


async def get_entry(reader: AsyncSession, entry_id: int) -> Row[Any] | None:
    return (
        await reader.execute(select(overseas_entries).where(overseas_entries.c.id == entry_id))
    ).one_or_none()


async def update_entry(session: AsyncSession, entry_id: int, values: dict[str, Any]) -> Row[Any]:
    statement = (
        update(overseas_entries)
        .where(overseas_entries.c.id == entry_id)
        .values(**values)
        .returning(*overseas_entries.c)
    )
    return (await session.execute(statement)).one()


async def entries_page(
    session: AsyncSession, local_government_code: str | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(overseas_entries)
    if local_government_code is not None:
        statement = statement.where(overseas_entries.c.local_government_code == local_government_code)
    fingerprint = query_fingerprint("list_overseas_entries", code=local_government_code)
    return await page_by(session, statement, overseas_entries.c.id, page, fingerprint)


async def contest_kinds(session: AsyncSession, election_id: int) -> set[str]:
    statement = select(contests.c.kind).where(contests.c.election_id == election_id).distinct()
    return set((await session.execute(statement)).scalars())


def _standing_on(day: date) -> Any:
    return and_(
        overseas_entries.c.registered_on <= day,
        or_(overseas_entries.c.removed_on.is_(None), overseas_entries.c.removed_on > day),
    )


async def electors(session: AsyncSession, codes: Sequence[str], day: date) -> int:
    return sum((await electors_by_municipality(session, codes, day)).values())


async def electors_by_municipality(session: AsyncSession, codes: Sequence[str], day: date) -> dict[str, int]:
    """Entries standing on `day` on the overseas roll of each of these municipalities."""
    statement = (
        select(overseas_entries.c.local_government_code, func.count())
        .where(overseas_entries.c.local_government_code.in_(list(codes)), _standing_on(day))
        .group_by(overseas_entries.c.local_government_code)
    )
    return {row[0]: int(row[1]) for row in await session.execute(statement)}


def _voted_abroad(election_id: int, codes: Sequence[str]) -> Any:
    """Standing overseas votes in the election, joined to the entry (of these municipalities) they were
    cast on."""
    return (
        select()
        .select_from(
            check_ins.join(
                overseas_entries,
                and_(
                    overseas_entries.c.resident_code == check_ins.c.resident_code,
                    overseas_entries.c.local_government_code.in_(list(codes)),
                ),
            )
        )
        .where(
            check_ins.c.election_id == election_id,
            check_ins.c.active_resident_code.is_not(None),
            check_ins.c.overseas_method.is_not(None),
        )
    )


async def voters_by_municipality(
    session: AsyncSession, election_id: int, codes: Sequence[str]
) -> dict[str, int]:
    """Overseas votes standing in the election, per municipality of the overseas roll they were cast on."""
    statement = (
        _voted_abroad(election_id, codes)
        .add_columns(overseas_entries.c.local_government_code, func.count(check_ins.c.id.distinct()))
        .group_by(overseas_entries.c.local_government_code)
    )
    return {row[0]: int(row[1]) for row in await session.execute(statement)}


async def voters_by_method(session: AsyncSession, election_id: int, codes: Sequence[str]) -> list[Any]:
    """Overseas votes standing in the election, by method, of entries in these municipalities."""
    statement = (
        _voted_abroad(election_id, codes)
        .add_columns(check_ins.c.overseas_method, func.count(check_ins.c.id.distinct()).label("n"))
        .group_by(check_ins.c.overseas_method)
    )
    return list((await session.execute(statement)).all())


async def move_records(session: AsyncSession, former: str, new: str) -> int:
    """住民票コードの変更: the person's overseas applications and entries move to `new`. Where `new`
    has a standing entry already (one per person), a standing one under `former` stays there; how
    many did is returned, for the audit record."""
    await session.execute(
        update(overseas_applications)
        .where(overseas_applications.c.resident_code == former)
        .values(resident_code=new)
    )
    other = overseas_entries.alias("under_new")
    twice = and_(
        overseas_entries.c.active_resident_code.is_not(None),
        exists().where(other.c.active_resident_code == new),
    )
    return await move_standing(
        session, overseas_entries, overseas_entries.c.resident_code == former, twice, new
    )
