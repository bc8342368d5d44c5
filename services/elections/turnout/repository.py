"""All SQL of turnout: electors and voters grouped, within a scope of the roll."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.elections.tables import check_ins, overseas_entries, roll_entries, suspensions


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


def _suspended_on(day: date) -> ColumnElement[bool]:
    """The voter's vote is suspended on `day` (art. 11, 252): marked on the roll (art. 27)."""
    return exists().where(
        suspensions.c.resident_code == roll_entries.c.resident_code,
        suspensions.c.suspends_voting.is_(True),
        suspensions.c.from_date <= day,
        or_(suspensions.c.until_date.is_(None), suspensions.c.until_date >= day),
        or_(suspensions.c.lifted_on.is_(None), suspensions.c.lifted_on > day),
    )


def transferred_abroad(day: date) -> ColumnElement[bool]:
    """The voter moved to the overseas roll (登録の移転, art. 30-4(2)) by `day`: counted there, not here."""
    return exists().where(
        overseas_entries.c.active_resident_code == roll_entries.c.resident_code,
        overseas_entries.c.channel == "move_abroad",
        overseas_entries.c.registered_on <= day,
    )


async def electors(session: AsyncSession, scope: list[ColumnElement[bool]], polling_day: date) -> list[Any]:
    """Voters on the roll who have the vote on polling day (当日有権者), grouped by sex and birth date;
    those transferred to the overseas roll are its electors instead."""
    statement = (
        select(roll_entries.c.sex, roll_entries.c.birth_date, func.count().label("n"))
        .where(
            *scope,
            roll_entries.c.on_roll.is_(True),
            ~_suspended_on(polling_day),
            ~transferred_abroad(polling_day),
        )
        .group_by(roll_entries.c.sex, roll_entries.c.birth_date)
    )
    return list((await session.execute(statement)).all())


async def suspended_on_roll(
    session: AsyncSession, scope: list[ColumnElement[bool]], polling_day: date
) -> int:
    """Voters on the roll whose vote is suspended on polling day (marked, not electors that day)."""
    statement = (
        select(func.count())
        .select_from(roll_entries)
        .where(*scope, roll_entries.c.on_roll.is_(True), _suspended_on(polling_day))
    )
    return int((await session.execute(statement)).scalar_one())


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
        .where(*scope, check_ins.c.active_resident_code.is_not(None), check_ins.c.overseas_method.is_(None))
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
