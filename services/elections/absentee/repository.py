"""All SQL of absentee ballots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import elections_where, in_any_election
from services.elections.tables import absentee_ballots, elections, roll_entries

_INSERT_UNLESS_ONE = {
    name: dialect.insert(absentee_ballots).on_conflict_do_nothing().returning(*absentee_ballots.c)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def election_and_entry(session: AsyncSession, election_id: int, resident_code: str) -> Row[Any] | None:
    """The election's dates and the voter's roll entry (NULL when not on file); None without election."""
    statement: Select[Any] = (
        select(elections.c.announcement_date, elections.c.polling_day, roll_entries.c.on_roll)
        .select_from(
            elections.outerjoin(
                roll_entries,
                and_(
                    roll_entries.c.election_id == elections.c.id,
                    roll_entries.c.resident_code == resident_code,
                ),
            )
        )
        .where(elections.c.id == election_id)
    )
    facts: Row[Any] | None = (await session.execute(statement)).one_or_none()
    return facts


async def add_unless_one(session: AsyncSession, values: dict[str, Any]) -> Row[Any] | None:
    """The new ballot, or None when the voter has one for this election already."""
    statement = _INSERT_UNLESS_ONE[session.get_bind().dialect.name]
    return (await session.execute(statement, values)).one_or_none()


async def of_voter(session: AsyncSession, election_id: int, resident_code: str) -> Row[Any] | None:
    statement = select(absentee_ballots).where(
        absentee_ballots.c.election_id == election_id, absentee_ballots.c.resident_code == resident_code
    )
    return (await session.execute(statement)).one_or_none()


async def get(reader: AsyncSession, ballot_id: int) -> Row[Any] | None:
    return (
        await reader.execute(select(absentee_ballots).where(absentee_ballots.c.id == ballot_id))
    ).one_or_none()


async def advance(
    session: AsyncSession, ballot_id: int, from_state: str, values: dict[str, Any]
) -> Row[Any] | None:
    """The ballot moved on from `from_state`, or None when another request moved it first."""
    statement = (
        update(absentee_ballots)
        .where(absentee_ballots.c.id == ballot_id, absentee_ballots.c.state == from_state)
        .values(**values)
        .returning(*absentee_ballots.c)
    )
    return (await session.execute(statement)).one_or_none()


async def set_outcome(session: AsyncSession, ballot_id: int, values: dict[str, Any]) -> Row[Any]:
    statement = (
        update(absentee_ballots)
        .where(absentee_ballots.c.id == ballot_id)
        .values(**values)
        .returning(*absentee_ballots.c)
    )
    return (await session.execute(statement)).one()


async def move_ballots(session: AsyncSession, former: str, new: str) -> int:
    """住民票コードの変更: the absentee ballots filed under `former` move to `new`, in every election.
    Where `new` has a ballot of the same election already (one live ballot per voter and election),
    the one under `former` stays there; how many did is returned, for the audit record."""
    filed = in_any_election(absentee_ballots.c.election_id)
    twice = absentee_ballots.c.election_id.in_(elections_where(absentee_ballots.c.resident_code, new))
    under_former = and_(filed, absentee_ballots.c.resident_code == former)
    kept = await session.scalar(select(func.count()).select_from(absentee_ballots).where(under_former, twice))
    await session.execute(update(absentee_ballots).where(under_former, ~twice).values(resident_code=new))
    return int(kept or 0)
