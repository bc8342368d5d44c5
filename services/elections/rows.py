"""Inserting a row and getting its generated id, the same way on either database; a keyset page by
one unique column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Row, Select, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.web.pagination import PageRequest, keyset_page


async def insert_id(session: AsyncSession, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row and return its generated id (RETURNING works on SQLite and PostgreSQL)."""
    result = await session.execute(insert(table).values(**values).returning(table.c.id))
    return int(result.scalar_one())


async def page_by(
    session: AsyncSession, statement: Select[Any], column: Column[Any], page: PageRequest, fingerprint: str
) -> tuple[list[Row[Any]], str | None]:
    """A page of `statement` in the order of `column`, which is unique, after the page token's row."""
    return await keyset_page(
        session,
        statement,
        sort_columns=[column],
        page=page,
        fingerprint=fingerprint,
        position_of=lambda row: [getattr(row, column.name)],
    )
