"""All SQL of the programme catalogue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import programme_years, programmes
from shared.db.reads import CompiledRead, Reader
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def get_programme(session: AsyncSession, code: str) -> Row[Any] | None:
    return (await session.execute(select(programmes).where(programmes.c.code == code))).one_or_none()


_WITH_YEARS = CompiledRead(
    select(programmes, programme_years.c.fiscal_year)
    .outerjoin(programme_years, programme_years.c.programme_code == programmes.c.code)
    .where(programmes.c.code == bindparam("code"))
    .order_by(programme_years.c.fiscal_year)
)


async def get_programme_with_years(reader: Reader, code: str) -> tuple[Row[Any], list[int]] | None:
    """A programme and the fiscal years it has rules for, in one statement (a row per year)."""
    rows = await _WITH_YEARS.all(reader, code=code)
    if not rows:
        return None
    return rows[0], [row.fiscal_year for row in rows if row.fiscal_year is not None]


async def page_programmes(session: AsyncSession, page: PageRequest) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(programmes),
        sort_columns=[programmes.c.code],
        page=page,
        fingerprint=query_fingerprint("list_programmes"),
        position_of=lambda row: [row.code],
    )


async def fiscal_years_of(session: AsyncSession, codes: Sequence[str]) -> dict[str, list[int]]:
    rows = await session.execute(
        select(programme_years.c.programme_code, programme_years.c.fiscal_year)
        .where(programme_years.c.programme_code.in_(codes))
        .order_by(programme_years.c.programme_code, programme_years.c.fiscal_year)
    )
    years: dict[str, list[int]] = defaultdict(list)
    for code, year in rows:
        years[code].append(year)
    return years


async def insert_programme(
    session: AsyncSession, *, code: str, kind: str, texts: dict[str, Any], now: datetime
) -> None:
    await session.execute(
        insert(programmes).values(code=code, kind=kind, texts=texts, version=1, updated_at=now)
    )


async def update_programme(
    session: AsyncSession, *, code: str, version: int, kind: str, texts: dict[str, Any], now: datetime
) -> int:
    return await update_versioned(
        session,
        programmes,
        programmes.c.code == code,
        expected_version=version,
        values={"kind": kind, "texts": texts, "updated_at": now},
    )


async def get_year(session: AsyncSession, code: str, fiscal_year: int) -> Row[Any] | None:
    statement = select(programme_years).where(
        programme_years.c.programme_code == code, programme_years.c.fiscal_year == fiscal_year
    )
    return (await session.execute(statement)).one_or_none()


async def insert_year(
    session: AsyncSession, *, code: str, fiscal_year: int, rules: dict[str, Any], now: datetime
) -> None:
    await session.execute(
        insert(programme_years).values(
            programme_code=code, fiscal_year=fiscal_year, rules=rules, version=1, updated_at=now
        )
    )


async def update_year(
    session: AsyncSession, *, code: str, fiscal_year: int, version: int, rules: dict[str, Any], now: datetime
) -> int:
    return await update_versioned(
        session,
        programme_years,
        (programme_years.c.programme_code == code) & (programme_years.c.fiscal_year == fiscal_year),
        expected_version=version,
        values={"rules": rules, "updated_at": now},
    )


async def all_year_rules(session: AsyncSession, fiscal_year: int) -> dict[str, dict[str, Any]]:
    rows = await session.execute(
        select(programme_years.c.programme_code, programme_years.c.rules).where(
            programme_years.c.fiscal_year == fiscal_year
        )
    )
    return {str(code): rules for code, rules in rows}
