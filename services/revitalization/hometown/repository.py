"""All SQL of hometown registrations; a person's place count moves by conditional UPDATE."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Row, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import hometown_people, hometown_registrations
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def ensure_person(session: AsyncSession, client_id: str, person_ref: str) -> None:
    exists = await session.execute(
        select(hometown_people.c.live_count).where(
            hometown_people.c.client_id == client_id, hometown_people.c.person_ref == person_ref
        )
    )
    if exists.first() is not None:
        return
    try:
        async with session.begin_nested():
            await session.execute(
                insert(hometown_people).values(client_id=client_id, person_ref=person_ref, live_count=0)
            )
    except IntegrityError:
        pass  # created by a concurrent registration of the same person: just as good


async def take_place(session: AsyncSession, client_id: str, person_ref: str, cap: int) -> bool:
    result = await session.execute(
        update(hometown_people)
        .where(
            hometown_people.c.client_id == client_id,
            hometown_people.c.person_ref == person_ref,
            hometown_people.c.live_count < cap,
        )
        .values(live_count=hometown_people.c.live_count + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def free_place(session: AsyncSession, client_id: str, person_ref: str) -> None:
    await session.execute(
        update(hometown_people)
        .where(hometown_people.c.client_id == client_id, hometown_people.c.person_ref == person_ref)
        .values(live_count=hometown_people.c.live_count - 1)
    )


async def live_registration(
    session: AsyncSession, client_id: str, person_ref: str, municipality_code: str
) -> Row[Any] | None:
    statement = select(hometown_registrations).where(
        hometown_registrations.c.client_id == client_id,
        hometown_registrations.c.person_ref == person_ref,
        hometown_registrations.c.municipality_code == municipality_code,
        hometown_registrations.c.live == 1,
    )
    return (await session.execute(statement)).one_or_none()


async def insert_registration(session: AsyncSession, values: dict[str, Any]) -> int:
    new_id = await session.scalar(
        insert(hometown_registrations).values(**values).returning(hometown_registrations.c.id)
    )
    return int(new_id)


async def get_registration(session: AsyncSession, registration_id: int) -> Row[Any] | None:
    statement = select(hometown_registrations).where(hometown_registrations.c.id == registration_id)
    return (await session.execute(statement)).one_or_none()


async def update_registration(
    session: AsyncSession, registration_id: int, *, expected_version: int, values: dict[str, Any]
) -> int:
    return await update_versioned(
        session,
        hometown_registrations,
        hometown_registrations.c.id == registration_id,
        expected_version=expected_version,
        values=values,
    )


async def page_registrations(
    session: AsyncSession,
    page: PageRequest,
    *,
    client_id: str | None,
    municipality_code: str | None,
    status: str | None,
) -> tuple[list[Row[Any]], str | None]:
    statement = select(hometown_registrations)
    filters = {"client_id": client_id, "municipality_code": municipality_code, "status": status}
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(hometown_registrations.c[name] == value)
    return await keyset_page(
        session,
        statement,
        sort_columns=[hometown_registrations.c.id],
        page=page,
        fingerprint=query_fingerprint("list_hometown_registrations", **filters),
        position_of=lambda row: [row.id],
    )


async def page_counts(
    session: AsyncSession, page: PageRequest, *, municipality_code: str | None
) -> tuple[list[Row[Any]], str | None]:
    table = hometown_registrations
    statement = (
        select(
            table.c.municipality_code,
            func.sum(case((table.c.tier == "basic", 1), else_=0)).cast(Integer).label("basic"),
            func.sum(case((table.c.tier == "premium", 1), else_=0)).cast(Integer).label("premium"),
        )
        .where(table.c.status == "active")
        .group_by(table.c.municipality_code)
    )
    if municipality_code is not None:
        statement = statement.where(table.c.municipality_code == municipality_code)
    return await keyset_page(
        session,
        statement,
        sort_columns=[table.c.municipality_code],
        page=page,
        fingerprint=query_fingerprint("list_hometown_counts", municipality_code=municipality_code),
        position_of=lambda row: [row.municipality_code],
    )
