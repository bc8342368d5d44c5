"""Inserting a row and getting its generated id, the same way on either database; a keyset page by
one unique column; a condition over every election; moving standing records to a new resident code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ColumnElement, Row, Select, Table, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import elections
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


def in_any_election(election_id: Column[Any]) -> ColumnElement[bool]:
    """`election_id` is one of the elections: with a resident code beside it, a lookup of the code in
    a table keyed by (election, code) probes that key per election instead of reading the table."""
    return election_id.in_(select(elections.c.id))


def elections_where(column: Column[Any], value: str) -> Select[Any]:
    """The elections in which `column` (of a table with an `election_id`) holds `value`. Read through
    an alias of the table, so that a statement changing that table may ask it of itself."""
    other = column.table.alias("other")
    return select(other.c.election_id).where(
        in_any_election(other.c.election_id), other.c[column.name] == value
    )


async def move_standing(
    session: AsyncSession,
    table: Table,
    under_former: ColumnElement[bool],
    stays: ColumnElement[bool],
    new: str,
) -> int:
    """Rows of `table` under a former resident code move to `new`: `resident_code`, and
    `active_resident_code` while a row stands (NULL once undone or removed). Those `stays` selects
    do not move; their count is returned."""
    kept = await session.scalar(select(func.count()).select_from(table).where(under_former, stays))
    await session.execute(
        update(table)
        .where(under_former, ~stays)
        .values(
            resident_code=new,
            active_resident_code=case((table.c.active_resident_code.is_(None), None), else_=new),
        )
    )
    return int(kept or 0)
