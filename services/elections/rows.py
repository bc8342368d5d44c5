"""Inserting a row and getting its generated id, the same way on either database; what a read runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Reader = AsyncSession | AsyncConnection
"""A read runs in the request's transaction (a session), or alone on an autocommit connection."""


async def insert_id(session: AsyncSession, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row and return its generated id (RETURNING works on SQLite and PostgreSQL)."""
    result = await session.execute(insert(table).values(**values).returning(table.c.id))
    return int(result.scalar_one())
