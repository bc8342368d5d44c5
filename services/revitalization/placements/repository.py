"""All SQL of placements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import placements
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_placement(session: AsyncSession, values: dict[str, Any]) -> int:
    new_id = await session.scalar(insert(placements).values(**values).returning(placements.c.id))
    return int(new_id)


async def get_placement(session: AsyncSession, placement_id: int) -> Row[Any] | None:
    return (await session.execute(select(placements).where(placements.c.id == placement_id))).one_or_none()


async def update_placement(
    session: AsyncSession, placement_id: int, *, expected_version: int, values: dict[str, Any]
) -> int:
    return await update_versioned(
        session, placements, placements.c.id == placement_id, expected_version=expected_version, values=values
    )


async def page_placements(
    session: AsyncSession, page: PageRequest, *, programme_code: str | None, municipality_code: str | None
) -> tuple[list[Row[Any]], str | None]:
    statement = select(placements)
    if programme_code is not None:
        statement = statement.where(placements.c.programme_code == programme_code)
    if municipality_code is not None:
        statement = statement.where(placements.c.municipality_code == municipality_code)
    return await keyset_page(
        session,
        statement,
        sort_columns=[placements.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_placements", programme_code=programme_code, municipality_code=municipality_code
        ),
        position_of=lambda row: [row.id],
    )


async def outcomes(
    session: AsyncSession, *, programme_code: str | None, municipality_code: str | None
) -> list[Any]:
    statement = select(placements.c.municipality_code, placements.c.end_date, placements.c.still_resident)
    if programme_code is not None:
        statement = statement.where(placements.c.programme_code == programme_code)
    if municipality_code is not None:
        statement = statement.where(placements.c.municipality_code == municipality_code)
    return list((await session.execute(statement)).all())
