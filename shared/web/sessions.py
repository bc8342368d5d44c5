"""The request's database session: one per request, committed when the handler returns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from shared.web.state import DatabaseDep


async def db_session(database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    async for session in database.session():
        yield session


SessionDep = Annotated[AsyncSession, Depends(db_session, scope="function")]


async def read_session(database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """For a request that only reads, one statement at a time: each statement stands alone, with no
    BEGIN and COMMIT round trips around it (a read of several statements wants `SessionDep`'s
    single transaction instead)."""
    async with database.autocommit_session() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(read_session, scope="function")]
