"""All SQL of spending lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def lines_of(
    session: AsyncSession, *, fiscal_year: int, claimant_codes: Sequence[str]
) -> list[Row[Any]]:
    statement = select(spending_lines).where(
        spending_lines.c.fiscal_year == fiscal_year, spending_lines.c.claimant_code.in_(claimant_codes)
    )
    return list((await session.execute(statement)).all())
