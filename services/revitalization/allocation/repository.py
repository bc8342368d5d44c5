"""All SQL of spending lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Row, cast, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.allocation.rules import CategorySpending
from services.revitalization.tables import spending_lines
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_lines(
    session: AsyncSession, lines: Sequence[dict[str, Any]], *, actor: str, at: datetime
) -> list[int]:
    statement = insert(spending_lines).returning(spending_lines.c.id, sort_by_parameter_order=True)
    result = await session.execute(
        statement, [{**line, "recorded_by": actor, "recorded_at": at} for line in lines]
    )
    return [int(new_id) for new_id in result.scalars()]


async def page_lines(
    session: AsyncSession, page: PageRequest, *, fiscal_year: int, claimant_code: str | None
) -> tuple[list[Row[Any]], str | None]:
    statement = select(spending_lines).where(spending_lines.c.fiscal_year == fiscal_year)
    if claimant_code is not None:
        statement = statement.where(spending_lines.c.claimant_code == claimant_code)
    return await keyset_page(
        session,
        statement,
        sort_columns=[spending_lines.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_spending_lines", fiscal_year=fiscal_year, claimant_code=claimant_code
        ),
        position_of=lambda row: [row.id],
    )


async def page_claimants(
    session: AsyncSession, page: PageRequest, *, fiscal_year: int, claimant_code: str | None
) -> tuple[list[str], str | None]:
    statement = (
        select(spending_lines.c.claimant_code)
        .where(spending_lines.c.fiscal_year == fiscal_year)
        .group_by(spending_lines.c.claimant_code)
    )
    if claimant_code is not None:
        statement = statement.where(spending_lines.c.claimant_code == claimant_code)
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[spending_lines.c.claimant_code],
        page=page,
        fingerprint=query_fingerprint("list_claims", fiscal_year=fiscal_year, claimant_code=claimant_code),
        position_of=lambda row: [row.claimant_code],
    )
    return [row.claimant_code for row in rows], token


async def spending_of(
    session: AsyncSession,
    *,
    fiscal_year: int,
    claimants: tuple[str, str],
    programme_codes: Sequence[str],
) -> list[CategorySpending]:
    """Per claimant, programme, person and category: the sum of the lines, their ids and most months.

    `claimants` is the first and last claimant of a page, a range `ix_spending_lines_claims` reads in
    the grouping's order."""
    line = spending_lines.c
    if session.get_bind().dialect.name == "postgresql":
        ids: Any = func.array_agg(line.id)
    else:
        ids = func.group_concat(line.id)
    keys = (line.claimant_code, line.programme_code, line.person_ref, line.category)
    statement = (
        select(*keys, cast(func.sum(line.amount), BigInteger), func.max(line.months), ids)
        .where(
            line.fiscal_year == fiscal_year,
            line.claimant_code.between(*claimants),
            line.programme_code.in_(programme_codes),
        )
        .group_by(*keys)
        .order_by(*keys)
    )
    return [
        CategorySpending(
            claimant,
            programme,
            person,
            category,
            int(spent),
            int(months),
            tuple(sorted(line_ids if isinstance(line_ids, list) else map(int, line_ids.split(",")))),
        )
        for claimant, programme, person, category, spent, months, line_ids in await session.execute(statement)
    ]
