"""All SQL of the municipality-category register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import municipality_categories, municipality_category_changes
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

table = municipality_categories
changes = municipality_category_changes


def _key(fiscal_year: int, municipality_code: str) -> Any:
    return (table.c.fiscal_year == fiscal_year) & (table.c.municipality_code == municipality_code)


async def get_entry(session: AsyncSession, fiscal_year: int, municipality_code: str) -> Row[Any] | None:
    return (await session.execute(select(table).where(_key(fiscal_year, municipality_code)))).one_or_none()


async def existing_codes(session: AsyncSession, fiscal_year: int, codes: Sequence[str]) -> list[str]:
    rows = await session.execute(
        select(table.c.municipality_code)
        .where(table.c.fiscal_year == fiscal_year, table.c.municipality_code.in_(codes))
        .order_by(table.c.municipality_code)
    )
    return [str(code) for code in rows.scalars()]


async def insert_entries(
    session: AsyncSession, fiscal_year: int, entries: Sequence[tuple[str, str]], *, actor: str, at: datetime
) -> None:
    await session.execute(
        insert(table),
        [
            {
                "fiscal_year": fiscal_year,
                "municipality_code": code,
                "category": category,
                "version": 1,
                "updated_by": actor,
                "updated_at": at,
            }
            for code, category in entries
        ],
    )
    await insert_changes(
        session, fiscal_year, [(code, None, category) for code, category in entries], actor, at
    )


async def insert_changes(
    session: AsyncSession,
    fiscal_year: int,
    entries: Sequence[tuple[str, str | None, str]],
    actor: str,
    at: datetime,
) -> None:
    await session.execute(
        insert(changes),
        [
            {
                "fiscal_year": fiscal_year,
                "municipality_code": code,
                "old_category": old,
                "new_category": new,
                "actor": actor,
                "at": at,
            }
            for code, old, new in entries
        ],
    )


async def update_entry(
    session: AsyncSession,
    fiscal_year: int,
    municipality_code: str,
    *,
    expected_version: int,
    category: str,
    actor: str,
    at: datetime,
) -> int:
    return await update_versioned(
        session,
        table,
        _key(fiscal_year, municipality_code),
        expected_version=expected_version,
        values={"category": category, "updated_by": actor, "updated_at": at},
    )


async def page_entries(
    session: AsyncSession, page: PageRequest, *, fiscal_year: int, category: str | None
) -> tuple[list[Row[Any]], str | None]:
    statement = select(table).where(table.c.fiscal_year == fiscal_year)
    if category is not None:
        statement = statement.where(table.c.category == category)
    return await keyset_page(
        session,
        statement,
        sort_columns=[table.c.municipality_code],
        page=page,
        fingerprint=query_fingerprint(
            "list_municipality_categories", fiscal_year=fiscal_year, category=category
        ),
        position_of=lambda row: [row.municipality_code],
    )


async def page_changes(
    session: AsyncSession, page: PageRequest, *, fiscal_year: int, municipality_code: str
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(changes).where(
            changes.c.fiscal_year == fiscal_year, changes.c.municipality_code == municipality_code
        ),
        sort_columns=[changes.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_municipality_category_changes", fiscal_year=fiscal_year, municipality_code=municipality_code
        ),
        position_of=lambda row: [row.id],
    )
