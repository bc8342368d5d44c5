"""All SQL of check-ins."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

import asyncpg
from sqlalchemy import (
    Date,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit.chain import HeadTaken
from services.elections.rows import elections_where, in_any_election, move_standing, page_by
from services.elections.tables import (
    audit_log,
    check_ins,
    elections,
    overseas_entries,
    polling_stations,
    roll_entries,
    suspensions,
)
from shared.contracts.elections import VotingMethod
from shared.db.engine import Database
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


# --- a check-in in one statement (PostgreSQL) -------------------------------------------------------

_AUDIT_COLUMNS = tuple(column.name for column in audit_log.c if column is not audit_log.c.seq)
_NEW_CHECK_IN = ("id", "election_id", "resident_code", "active_resident_code", "method", "station_id",
                 "checked_in_at", "clerk_id")  # fmt: skip


def _check_in_in_one_statement() -> Select[Any]:
    """The facts (`_VOTING_FACTS`), the check-in inserted from them unless a refusal applies or the
    voter has a standing check-in, and its audit record inserted with it; one row of the facts and the
    check-in's columns (NULL when none was recorded), no row when there is no such election.

    The check-in is recorded only when the service's `_refuse` would find nothing in these facts: the
    method open today (rules.method_problem), on the roll and not moved to the overseas roll, the vote
    not suspended today, and the place. When nothing is recorded, the service reads the reason from the
    facts, in the same order as ever. The unique (election_id, active_resident_code) decides a race:
    the loser records nothing. The audit record goes in only with the check-in; when its previous_hash
    is no longer the head of its lane, the unique (lane, previous_hash) fails the whole statement.
    """
    facts = _VOTING_FACTS.cte("facts")
    method = bindparam("method", type_=String)
    station = bindparam("station_id", type_=Integer)
    today = bindparam("today", type_=Date)
    open_today = or_(
        and_(method == VotingMethod.ORDINARY.value, today == facts.c.polling_day),
        and_(
            or_(method == VotingMethod.EARLY.value, method == VotingMethod.ABSENTEE.value),
            today > facts.c.announcement_date,
            today < facts.c.polling_day,
        ),
    )
    may_vote = and_(
        facts.c.on_roll.is_(True), facts.c.overseas_entry_id.is_(None), facts.c.suspension_id.is_(None)
    )
    at_the_place = case(
        (method == VotingMethod.ABSENTEE.value, station.is_(None)),
        else_=and_(
            facts.c.station_election_id == bindparam("election_id", type_=Integer),
            or_(method != VotingMethod.ORDINARY.value, facts.c.assigned_station_id == station),
        ),
    )
    new_check_in = select(
        *(bindparam(name, type_=check_ins.c[name].type) for name in ("id", "election_id", "resident_code")),
        bindparam("resident_code", type_=String),
        method,
        station,
        bindparam("checked_in_at", type_=check_ins.c.checked_in_at.type),
        bindparam("clerk_id", type_=String),
    )
    recorded = (
        postgresql.insert(check_ins)
        .from_select(
            list(_NEW_CHECK_IN), new_check_in.select_from(facts).where(open_today, may_vote, at_the_place)
        )
        .on_conflict_do_nothing(index_elements=[check_ins.c.election_id, check_ins.c.active_resident_code])
        .returning(*check_ins.c)
        .cte("recorded")
    )
    audit_record = select(
        *(bindparam(f"audit_{name}", type_=audit_log.c[name].type) for name in _AUDIT_COLUMNS)
    )
    audited = (
        postgresql.insert(audit_log)
        .from_select(list(_AUDIT_COLUMNS), audit_record.select_from(recorded))
        .returning(audit_log.c.seq)
        .cte("audited")
    )
    return select(facts, *recorded.c).select_from(facts.outerjoin(recorded, true())).add_cte(audited)


# Its values are given as the driver takes them (JSON as text, UTC datetimes): a call does no work
# but putting them in order.
_AT_ONCE = CompiledRead(_check_in_in_one_statement(), values_as_sent=True)
_FACT_COUNT = len(_VOTING_FACTS.selected_columns)
_AUDIT_CHAIN = "uq_audit_log_lane_previous_hash"


class VotingFacts(NamedTuple):
    """What a check-in must know before it is recorded (see `_VOTING_FACTS`)."""

    announcement_date: date
    polling_day: date
    on_roll: bool | None
    assigned_station_id: int | None
    station_election_id: int | None
    suspension_id: int | None
    overseas_entry_id: int | None


class CheckInRow(NamedTuple):
    id: int
    election_id: int
    resident_code: str
    active_resident_code: str | None
    method: str
    station_id: int | None
    checked_in_at: datetime
    clerk_id: str
    undone_at: datetime | None
    undone_by: str | None
    undo_reason: str | None
    overseas_method: str | None


async def check_in_at_once(
    database: Database, values: Mapping[str, Any], audit_record: Mapping[str, Any]
) -> tuple[VotingFacts, CheckInRow | None] | None:
    """The facts, and the check-in recorded with its audit record by the same statement (committed
    by itself), or None with them when nothing was recorded; None when there is no such election.

    `values` as `_check_in_values` gives them, with the check-in's `id` and `today`; `audit_record`
    the record's columns (`details` as JSON text). Raises HeadTaken, recording nothing, when the
    record's previous_hash is no longer the head of its lane."""
    parameters = {**values, **{f"audit_{name}": value for name, value in audit_record.items()}}
    sql, arguments = _AT_ONCE.sql_and_arguments(database.engine.dialect, **parameters)
    try:
        records = await database.driver_write(sql, *arguments)
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name == _AUDIT_CHAIN:
            raise HeadTaken(audit_record["lane"]) from error
        raise
    if not records:
        return None
    columns = tuple(records[0])
    facts = VotingFacts(*columns[:_FACT_COUNT])
    recorded = None if columns[_FACT_COUNT] is None else CheckInRow(*columns[_FACT_COUNT:])
    return facts, recorded


_TAKE_IDS = CompiledRead(
    select(func.nextval(func.pg_get_serial_sequence(check_ins.name, check_ins.c.id.name))).select_from(
        func.generate_series(1, bindparam("count", type_=Integer))
    )
)


async def take_ids(database: Database, count: int) -> list[int]:
    """`count` new check-in ids from the table's sequence (PostgreSQL), each never given again."""
    sql, arguments = _TAKE_IDS.sql_and_arguments(database.engine.dialect, count=count)
    records = await database.driver_fetch(sql, *arguments)
    return [record[0] for record in records]


async def voting_facts(
    session: AsyncSession, election_id: int, resident_code: str, station_id: int | None, today: date
) -> VotingFacts | None:
    """None when there is no such election."""
    parameters = {
        "election_id": election_id,
        "resident_code": resident_code,
        "station_id": station_id,
        "today": today,
    }
    facts = (await session.execute(_VOTING_FACTS, parameters)).one_or_none()
    return None if facts is None else VotingFacts(*facts)


async def insert_unless_voted(session: AsyncSession, values: dict[str, Any]) -> Row[Any] | None:
    """The new check-in, or None when the voter already has a standing one."""
    statement = _INSERT_UNLESS_VOTED[session.get_bind().dialect.name]
    return (await session.execute(statement, values)).one_or_none()


_STANDING = CompiledRead(
    select(check_ins).where(
        check_ins.c.election_id == bindparam("election_id"),
        check_ins.c.active_resident_code == bindparam("resident_code"),
    )
)


async def standing(reader: Reader, election_id: int, resident_code: str) -> Row[Any] | None:
    row: Row[Any] | None = await _STANDING.one_or_none(
        reader, election_id=election_id, resident_code=resident_code
    )
    return row


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


async def move_check_ins(session: AsyncSession, former: str, new: str) -> int:
    """住民票コードの変更: the check-ins filed under `former` move to `new`, in every election, so that
    the standing one still stops a second vote. Where `new` has a standing check-in too (the person
    was let vote under each code before the change was known), the one under `former` stays there;
    how many did is returned, for the audit record."""
    filed = in_any_election(check_ins.c.election_id)
    standing_under_new = elections_where(check_ins.c.active_resident_code, new)
    twice = and_(
        check_ins.c.active_resident_code.is_not(None), check_ins.c.election_id.in_(standing_under_new)
    )
    return await move_standing(
        session, check_ins, and_(filed, check_ins.c.resident_code == former), twice, new
    )
