"""An ordered feed's sequence numbers, visible in the order they were taken.

A head table holds one row (`id` 1, `last_sequence`). A writer takes the next number by updating
that row in its own transaction, as the last thing it does before committing: the row stays
locked until the commit, so a second writer waits and takes the next number only after the first
is visible. A reader that reads the head first and then the entries up to it never misses an
entry that commits later with a smaller number (there is none). On SQLite one writer at a time
holds the database, which gives the same order.
"""

from __future__ import annotations

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession


async def take_next(session: AsyncSession, head: Table) -> int:
    """The next sequence number; the head stays locked until the session's transaction ends."""
    result = await session.execute(
        update(head)
        .where(head.c.id == 1)
        .values(last_sequence=head.c.last_sequence + 1)
        .returning(head.c.last_sequence)
    )
    return int(result.scalar_one())


async def committed(session: AsyncSession, head: Table) -> int:
    """The last number whose entry (and every smaller one's) has committed."""
    return int((await session.execute(select(head.c.last_sequence).where(head.c.id == 1))).scalar_one())
