"""All SQL of organizations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.tables import organizations


async def get(session: AsyncSession, organization_id: int) -> Row[Any] | None:
    return (
        await session.execute(select(organizations).where(organizations.c.id == organization_id))
    ).one_or_none()


async def get_by_filer(session: AsyncSession, client_id: str) -> Row[Any] | None:
    return (
        await session.execute(select(organizations).where(organizations.c.filer_client_id == client_id))
    ).one_or_none()


async def filer_taken(session: AsyncSession, client_id: str, *, except_id: int | None = None) -> bool:
    statement = select(organizations.c.id).where(organizations.c.filer_client_id == client_id)
    if except_id is not None:
        statement = statement.where(organizations.c.id != except_id)
    return (await session.execute(statement.limit(1))).first() is not None


async def create(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(organizations).values(**values).returning(organizations.c.id))
    return int(result.scalar_one())


def list_statement() -> Any:
    return select(organizations)
