"""All SQL of the change feed (the `resident_events` outbox and its head)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import BindParameter, Row, Select, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.tables import feed_head, resident_events, residents
from shared.db import sequence_head

events = resident_events


async def next_sequence(session: AsyncSession) -> int:
    """Take the next feed position. The head row stays locked until commit, so positions
    become visible in order: a reader never sees n+1 while n could still appear."""
    return await sequence_head.take_next(session, feed_head)


async def head(session: AsyncSession) -> int:
    return await sequence_head.committed(session, feed_head)


async def insert_event(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(events).values(**values))


async def events_after(
    session: AsyncSession,
    *,
    after: int,
    limit: int,
    types: Collection[str] | None = None,
    until: int | None = None,
) -> list[Row[Any]]:
    """Events after a position in feed order; only of `types` and up to `until` when given."""
    statement = events_after_statement(after=after, limit=limit, types=types, until=until)
    return list((await session.execute(statement)).all())


def events_after_statement(
    *, after: int, limit: int, types: Collection[str] | None, until: int | None
) -> Select[Any]:
    statement = (
        select(events, residents.c.protected)
        .join(residents, residents.c.resident_code == events.c.resident_code)
        .where(events.c.sequence > after)
        .order_by(events.c.sequence)
        .limit(limit)
    )
    if types is not None:
        # Written into the statement, not bound: the planner then sees `type = 'resident_code_change'`
        # and reads `ix_resident_events_code_changes` (the types are the enum's values).
        chosen: BindParameter[str] = bindparam("types", sorted(types), expanding=True, literal_execute=True)
        statement = statement.where(events.c.type.in_(chosen))
    if until is not None:
        statement = statement.where(events.c.sequence <= until)
    return statement


def resident_events_statement(resident_code: str) -> Select[Any]:
    return (
        select(events, residents.c.protected)
        .join(residents, residents.c.resident_code == events.c.resident_code)
        .where(events.c.resident_code == resident_code)
    )
