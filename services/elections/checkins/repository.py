"""All SQL of check-ins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import page_by
from services.elections.tables import (
    check_ins,
    elections,
    overseas_entries,
    polling_stations,
    roll_entries,
    suspensions,
)
from shared.db.reads import CompiledRead, Reader
from shared.web.pagination import PageRequest, query_fingerprint

# A suspension of the vote (art. 11, 252) covering `today`: its id, or NULL.
_SUSPENDED_TODAY = (
    select(func.min(suspensions.c.id))
    .where(
        suspensions.c.resident_code == bindparam("resident_code"),
        suspensions.c.suspends_voting.is_(True),
        suspensions.c.from_date <= bindparam("today"),
        or_(suspensions.c.until_date.is_(None), suspensions.c.until_date >= bindparam("today")),
        or_(suspensions.c.lifted_on.is_(None), suspensions.c.lifted_on > bindparam("today")),
    )
    .scalar_subquery()
)

# A standing transfer to the overseas roll (登録の移転, art. 30-4(2)): the person left the domestic roll.
_TRANSFERRED = (
    select(func.min(overseas_entries.c.id))
    .where(
        overseas_entries.c.active_resident_code == bindparam("resident_code"),
        overseas_entries.c.channel == "move_abroad",
    )
    .scalar_subquery()
)

# What a check-in must know before it is recorded, read in one statement: the election's dates,
# the voter's roll entry (NULLs when not on file) and the election of the station named (NULL when
# there is no such station, or none was named).
_VOTING_FACTS: Select[Any] = (
    select(
        elections.c.announcement_date,
        elections.c.polling_day,
        roll_entries.c.on_roll,
        roll_entries.c.station_id.label("assigned_station_id"),
        polling_stations.c.election_id.label("station_election_id"),
        _SUSPENDED_TODAY.label("suspension_id"),
        _TRANSFERRED.label("overseas_entry_id"),
    )
    .select_from(
        elections.outerjoin(
            roll_entries,
            and_(
                roll_entries.c.election_id == elections.c.id,
                roll_entries.c.resident_code == bindparam("resident_code"),
            ),
        ).outerjoin(polling_stations, polling_stations.c.id == bindparam("station_id"))
    )
    .where(elections.c.id == bindparam("election_id"))
)

# The database decides (unique election_id + active_resident_code), so simultaneous check-ins at
# two stations cannot both succeed: the loser's insert does nothing and returns no row.
_INSERT_UNLESS_VOTED = {
    name: dialect.insert(check_ins).on_conflict_do_nothing().returning(*check_ins.c)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def voting_facts(
    session: AsyncSession, election_id: int, resident_code: str, station_id: int | None, today: date
) -> Row[Any] | None:
    """None when there is no such election."""
    parameters = {
        "election_id": election_id,
        "resident_code": resident_code,
        "station_id": station_id,
        "today": today,
    }
    facts: Row[Any] | None = (await session.execute(_VOTING_FACTS, parameters)).one_or_none()
    return facts


async def insert_unless_voted(session: AsyncSession, values: dict[str, Any]) -> Row[Any] | None:
    """The new check-in, or None when the voter already has a standing one."""
    statement = _INSERT_UNLESS_VOTED[session.get_bind().dialect.name]
    return (await session.execute(statement, values)).one_or_none()


async def standing(session: AsyncSession, election_id: int, resident_code: str) -> Row[Any] | None:
    statement = select(check_ins).where(
        check_ins.c.election_id == election_id, check_ins.c.active_resident_code == resident_code
    )
    return (await session.execute(statement)).one_or_none()


_CHECK_IN = CompiledRead(select(check_ins).where(check_ins.c.id == bindparam("id")))


async def get(reader: Reader, check_in_id: int) -> Row[Any] | None:
    row: Row[Any] | None = await _CHECK_IN.one_or_none(reader, id=check_in_id)
    return row


async def undo(
    session: AsyncSession, check_in_id: int, *, by: str, reason: str, now: datetime
) -> Row[Any] | None:
    """The check-in as undone, or None when it was undone already."""
    result = await session.execute(
        update(check_ins)
        .where(check_ins.c.id == check_in_id, check_ins.c.active_resident_code.is_not(None))
        .values(active_resident_code=None, undone_at=now, undone_by=by, undo_reason=reason)
        .returning(*check_ins.c)
    )
    return result.one_or_none()


async def page_of(
    session: AsyncSession, election_id: int, resident_code: str | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(check_ins).where(check_ins.c.election_id == election_id)
    if resident_code is not None:
        statement = statement.where(check_ins.c.resident_code == resident_code)
    fingerprint = query_fingerprint("list_check_ins", election_id=election_id, resident_code=resident_code)
    return await page_by(session, statement, check_ins.c.id, page, fingerprint)


async def any_for_election(session: AsyncSession, election_id: int) -> bool:
    statement = select(check_ins.c.id).where(check_ins.c.election_id == election_id).limit(1)
    return (await session.execute(statement)).first() is not None
