"""All SQL of following resident-code changes: the one row that says how far the service has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import code_change_follow

_THE_FOLLOW = 1


async def take_follow(session: AsyncSession) -> int:
    """The feed position followed so far (0 the first time), the row locked until the transaction
    ends: a second follow waits, then starts where this one stopped."""
    dialect = session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(code_change_follow)
    statement = (
        upsert.values(id=_THE_FOLLOW, cursor=0, follows=1)
        .on_conflict_do_update(
            index_elements=[code_change_follow.c.id], set_={"follows": code_change_follow.c.follows + 1}
        )
        .returning(code_change_follow.c.cursor)
    )
    return int((await session.execute(statement)).scalar_one())


async def save_position(session: AsyncSession, cursor: int, now: datetime) -> None:
    await session.execute(
        update(code_change_follow)
        .where(code_change_follow.c.id == _THE_FOLLOW)
        .values(cursor=cursor, followed_at=now)
    )
