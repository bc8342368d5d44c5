"""All SQL of open data: awarded applications, public columns only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.applications.states import AWARDED
from services.revitalization.tables import applications, programmes
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

PUBLIC_COLUMNS = (
    applications.c.id,
    applications.c.programme_code,
    applications.c.fiscal_year,
    applications.c.municipality_code,
    applications.c.applicant,
    applications.c.title,
    applications.c.description,
    applications.c.requested_amount,
    applications.c.approved_amount,
    applications.c.disbursed_amount,
    applications.c.details,
    applications.c.awarded_at,
    applications.c.updated_at,
)


def awards(*, fiscal_year: int | None, programme_code: str | None) -> Select[Any]:
    statement = select(*PUBLIC_COLUMNS).where(applications.c.state.in_([s.value for s in AWARDED]))
    if fiscal_year is not None:
        statement = statement.where(applications.c.fiscal_year == fiscal_year)
    if programme_code is not None:
        statement = statement.where(applications.c.programme_code == programme_code)
    return statement


async def page_awards(
    session: AsyncSession, page: PageRequest, *, fiscal_year: int | None, programme_code: str | None
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        awards(fiscal_year=fiscal_year, programme_code=programme_code),
        sort_columns=[applications.c.id],
        page=page,
        fingerprint=query_fingerprint("list_grants", fiscal_year=fiscal_year, programme_code=programme_code),
        position_of=lambda row: [row.id],
    )


async def awards_after(
    session: AsyncSession, after_id: int, limit: int, *, fiscal_year: int | None, programme_code: str | None
) -> list[Row[Any]]:
    statement = (
        awards(fiscal_year=fiscal_year, programme_code=programme_code)
        .where(applications.c.id > after_id)
        .order_by(applications.c.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).all())


async def programme_texts(session: AsyncSession) -> dict[str, dict[str, Any]]:
    rows = await session.execute(select(programmes.c.code, programmes.c.texts))
    return {str(code): texts for code, texts in rows}
