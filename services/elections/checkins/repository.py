"""All SQL of check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import check_ins


async def insert_unless_voted(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """The new check-in's id, or None when the voter already has a standing one. The database
    decides (unique election_id + active_resident_code), so simultaneous check-ins at two
    stations cannot both succeed."""
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(check_ins).values(**values).on_conflict_do_nothing().returning(check_ins.c.id)
    inserted = (await session.execute(statement)).scalar_one_or_none()
    return None if inserted is None else int(inserted)


async def standing(session: AsyncSession, election_id: int, resident_code: str) -> Row[Any] | None:
    statement = select(check_ins).where(
        check_ins.c.election_id == election_id, check_ins.c.active_resident_code == resident_code
    )
    return (await session.execute(statement)).one_or_none()


async def get(session: AsyncSession, check_in_id: int) -> Row[Any] | None:
    return (await session.execute(select(check_ins).where(check_ins.c.id == check_in_id))).one_or_none()


async def undo(session: AsyncSession, check_in_id: int, *, by: str, reason: str, now: datetime) -> bool:
    result = await session.execute(
        update(check_ins)
        .where(check_ins.c.id == check_in_id, check_ins.c.active_resident_code.is_not(None))
        .values(active_resident_code=None, undone_at=now, undone_by=by, undo_reason=reason)
    )
    return getattr(result, "rowcount", 0) == 1


def listing(election_id: int, resident_code: str | None) -> Any:
    statement = select(check_ins).where(check_ins.c.election_id == election_id)
    if resident_code is not None:
        statement = statement.where(check_ins.c.resident_code == resident_code)
    return statement


async def any_for_election(session: AsyncSession, election_id: int) -> bool:
    statement = select(check_ins.c.id).where(check_ins.c.election_id == election_id).limit(1)
    return (await session.execute(statement)).first() is not None
