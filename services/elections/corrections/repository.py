"""All SQL of corrections: objections and replacement winners (result versions are results' own)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import objections, replacements
from shared.web.problems import Conflict


async def insert_objection(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(objections).values(**values).returning(objections.c.id))
    return int(result.scalar_one())


async def get_objection(session: AsyncSession, objection_id: int) -> Row[Any] | None:
    return (await session.execute(select(objections).where(objections.c.id == objection_id))).one_or_none()


async def objections_of(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    statement = select(objections).where(objections.c.contest_id == contest_id).order_by(objections.c.id)
    return list((await session.execute(statement)).all())


async def decide_objection(
    session: AsyncSession, objection_id: int, from_state: str, values: dict[str, Any]
) -> bool:
    """Moves an objection on from `from_state`; False when another request moved it first. Opening a
    recount while another is open for the contest is a conflict (one per contest)."""
    try:
        result = await session.execute(
            update(objections)
            .where(objections.c.id == objection_id, objections.c.state == from_state)
            .values(**values)
            .returning(objections.c.id)
        )
    except IntegrityError:
        raise Conflict("Another objection's recount is open for this contest.", slug="recount-open") from None
    return result.first() is not None


async def insert_replacement(session: AsyncSession, values: dict[str, Any]) -> int:
    try:
        result = await session.execute(insert(replacements).values(**values).returning(replacements.c.id))
    except IntegrityError:
        raise Conflict(
            "This seat's vacancy, or this replacement, is already recorded.", slug="replacement-recorded"
        ) from None
    return int(result.scalar_one())


async def get_replacement(session: AsyncSession, replacement_id: int) -> Row[Any]:
    return (await session.execute(select(replacements).where(replacements.c.id == replacement_id))).one()


async def replacements_of(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    statement = (
        select(replacements).where(replacements.c.contest_id == contest_id).order_by(replacements.c.id)
    )
    return list((await session.execute(statement)).all())
