"""All SQL of party-subsidy allocation records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.tables import subsidy_allocations


async def get(session: AsyncSession, year: int) -> Row[Any] | None:
    statement = select(subsidy_allocations).where(subsidy_allocations.c.year == year)
    return (await session.execute(statement)).one_or_none()


async def create(
    session: AsyncSession, *, year: int, request: Any, result: Any, created_by: str, created_at: datetime
) -> None:
    await session.execute(
        insert(subsidy_allocations).values(
            year=year, request=request, result=result, created_by=created_by, created_at=created_at
        )
    )
