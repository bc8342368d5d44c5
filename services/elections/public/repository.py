"""All SQL of the public information: an election's contests, candidates, parties and stations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import (
    candidates,
    contest_areas,
    contests,
    counting_districts,
    parties,
    polling_stations,
)


async def contests_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    statement = select(contests).where(contests.c.election_id == election_id).order_by(contests.c.id)
    return list((await session.execute(statement)).all())


async def areas_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    statement = (
        select(contest_areas)
        .join(contests, contests.c.id == contest_areas.c.contest_id)
        .where(contests.c.election_id == election_id)
        .order_by(contest_areas.c.contest_id, contest_areas.c.local_government_code)
    )
    return list((await session.execute(statement)).all())


async def candidates_of(session: AsyncSession, election_id: int) -> list[Any]:
    """What the law makes public of each candidacy (no birth date, no person key, no deposit)."""
    statement = (
        select(
            candidates.c.id,
            candidates.c.contest_id,
            candidates.c.name,
            candidates.c.kana,
            candidates.c.party_id,
            candidates.c.list_rank,
            candidates.c.priority_rank,
            candidates.c.district_candidate_id,
        )
        .where(candidates.c.election_id == election_id)
        .order_by(candidates.c.contest_id, candidates.c.list_rank, candidates.c.id)
    )
    return list((await session.execute(statement)).all())


async def parties_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    statement = select(parties).where(parties.c.election_id == election_id).order_by(parties.c.id)
    return list((await session.execute(statement)).all())


async def stations_of(session: AsyncSession, election_id: int, code: str | None) -> list[Any]:
    statement = (
        select(polling_stations, counting_districts.c.name.label("counting_district"))
        .join(counting_districts, counting_districts.c.id == polling_stations.c.counting_district_id)
        .where(polling_stations.c.election_id == election_id)
        .order_by(polling_stations.c.id)
    )
    if code is not None:
        statement = statement.where(polling_stations.c.local_government_code == code)
    return list((await session.execute(statement)).all())
