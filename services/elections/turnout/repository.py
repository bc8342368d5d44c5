"""All SQL of turnout: electors and voters grouped, within a scope of the roll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.elections.tables import check_ins, roll_entries


def scope_filter(
    election_id: int, *, station_id: int | None, codes: list[str] | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [roll_entries.c.election_id == election_id]
    if station_id is not None:
        conditions.append(roll_entries.c.station_id == station_id)
    if codes is not None:
        conditions.append(roll_entries.c.local_government_code.in_(codes))
    return conditions


async def roll_municipalities(session: AsyncSession, election_id: int) -> list[str]:
    statement = (
        select(roll_entries.c.local_government_code)
        .where(roll_entries.c.election_id == election_id)
        .distinct()
    )
    return list((await session.execute(statement)).scalars())


async def electors(session: AsyncSession, scope: list[ColumnElement[bool]]) -> list[Any]:
    statement = (
        select(roll_entries.c.sex, roll_entries.c.birth_date, func.count().label("n"))
        .where(*scope, roll_entries.c.on_roll.is_(True))
        .group_by(roll_entries.c.sex, roll_entries.c.birth_date)
    )
    return list((await session.execute(statement)).all())


_JOIN = check_ins.join(
    roll_entries,
    and_(
        roll_entries.c.election_id == check_ins.c.election_id,
        roll_entries.c.resident_code == check_ins.c.resident_code,
    ),
)


async def voters(session: AsyncSession, scope: list[ColumnElement[bool]]) -> list[Any]:
    statement = (
        select(roll_entries.c.sex, roll_entries.c.birth_date, check_ins.c.method, func.count().label("n"))
        .select_from(_JOIN)
        .where(*scope, check_ins.c.active_resident_code.is_not(None))
        .group_by(roll_entries.c.sex, roll_entries.c.birth_date, check_ins.c.method)
    )
    return list((await session.execute(statement)).all())


async def ordinary_voters_before(
    session: AsyncSession, scope: list[ColumnElement[bool]], start: datetime, before: datetime
) -> list[Any]:
    statement = (
        select(roll_entries.c.sex, func.count().label("n"))
        .select_from(_JOIN)
        .where(
            *scope,
            check_ins.c.active_resident_code.is_not(None),
            check_ins.c.method == "ordinary",
            check_ins.c.checked_in_at >= start,
            check_ins.c.checked_in_at < before,
        )
        .group_by(roll_entries.c.sex)
    )
    return list((await session.execute(statement)).all())
