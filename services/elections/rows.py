"""Helpers for rows read back from either database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession


def aware(value: datetime) -> datetime:
    """SQLite returns naive timestamps; every timestamp this service writes is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


async def insert_id(session: AsyncSession, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row and return its generated id (RETURNING works on SQLite and PostgreSQL)."""
    result = await session.execute(insert(table).values(**values).returning(table.c.id))
    return int(result.scalar_one())
