"""All SQL of households: a household is the active residents sharing a household id."""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.tables import residents


async def members(session: AsyncSession, household_id: str, *, for_update: bool = False) -> list[Row[object]]:
    """The household's active members, by resident code (locked for the transaction on request)."""
    statement = (
        select(residents)
        .where(residents.c.household_id == household_id, residents.c.status == "active")
        .order_by(residents.c.resident_code)
    )
    if for_update:
        statement = statement.with_for_update()
    return list((await session.execute(statement)).all())
