"""All SQL of politicians and their totals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, and_, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds.tables import organizations, politicians, report_lines
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def create(session: AsyncSession, *, name: str, office: str, now: datetime) -> int:
    result = await session.execute(
        insert(politicians)
        .values(name=name, office=office, version=1, created_at=now, updated_at=now)
        .returning(politicians.c.id)
    )
    return int(result.scalar_one())


async def get(session: AsyncSession, politician_id: int) -> Row[Any] | None:
    return (await session.execute(select(politicians).where(politicians.c.id == politician_id))).one_or_none()


async def page(session: AsyncSession, page: PageRequest) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(politicians),
        sort_columns=[politicians.c.id],
        page=page,
        fingerprint=query_fingerprint("list_politicians"),
        position_of=lambda row: [row.id],
    )


async def organizations_of(session: AsyncSession, politician_id: int) -> list[Row[Any]]:
    statement = (
        select(organizations)
        .where(organizations.c.politician_id == politician_id)
        .order_by(organizations.c.id)
    )
    return list((await session.execute(statement)).all())


def totals_statement(politician_id: int, *, public_on: date | None, year: int | None) -> Select[Any]:
    """Sum of the current lines of the politician's organizations per (organization, year, category):
    the reports' category totals (every line counts, itemized or not). Through the lines' index on
    (organization, year)."""
    c = report_lines.c
    theirs = select(organizations.c.id).where(organizations.c.politician_id == politician_id)
    conditions: list[ColumnElement[bool]] = [c.organization_id.in_(theirs), c.is_current.is_(True)]
    if public_on is not None:
        conditions.append(c.public_until >= public_on)
    if year is not None:
        conditions.append(c.year == year)
    return (
        select(c.organization_id, c.year, c.category, func.sum(c.amount).label("total"))
        .where(and_(*conditions))
        .group_by(c.organization_id, c.year, c.category)
    )


async def totals(
    session: AsyncSession, politician_id: int, *, public_on: date | None, year: int | None
) -> list[Row[Any]]:
    statement = totals_statement(politician_id, public_on=public_on, year=year)
    return list((await session.execute(statement)).all())
