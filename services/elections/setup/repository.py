"""All SQL of elections, contests, counting districts, stations, parties and candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.rows import insert_id, page_by
from services.elections.tables import (
    candidates,
    certifications,
    contest_areas,
    contests,
    counting_districts,
    elections,
    parties,
    polling_stations,
    tally_sheets,
)
from shared.db.reads import CompiledRead, Reader
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, query_fingerprint
from shared.web.problems import Conflict


async def insert_election(
    session: AsyncSession,
    *,
    name: str,
    announcement_date: date,
    polling_day: date,
    reference_date: date,
    now: datetime,
) -> int:
    return await insert_id(
        session,
        elections,
        {
            "name": name,
            "announcement_date": announcement_date,
            "polling_day": polling_day,
            "reference_date": reference_date,
            "version": 1,
            "created_at": now,
        },
    )


_ELECTION = CompiledRead(select(elections).where(elections.c.id == bindparam("id")))
_STATION = CompiledRead(select(polling_stations).where(polling_stations.c.id == bindparam("id")))
_CANDIDATE = CompiledRead(select(candidates).where(candidates.c.id == bindparam("id")))


async def get_election(reader: Reader, election_id: int) -> Row[Any] | None:
    row: Row[Any] | None = await _ELECTION.one_or_none(reader, id=election_id)
    return row


async def elections_page(session: AsyncSession, page: PageRequest) -> tuple[list[Row[Any]], str | None]:
    return await page_by(
        session, select(elections), elections.c.id, page, query_fingerprint("list_elections")
    )


async def insert_contest(
    session: AsyncSession,
    *,
    election_id: int,
    name: str,
    kind: str,
    seats: int,
    codes: list[str],
    now: datetime,
) -> int:
    try:
        new_id = await insert_id(
            session,
            contests,
            {"election_id": election_id, "name": name, "kind": kind, "seats": seats, "created_at": now},
        )
    except IntegrityError:
        raise Conflict(
            f"The election already has a contest named {name!r}.", slug="duplicate-contest"
        ) from None
    contest_id = new_id
    await session.execute(
        insert(contest_areas), [{"contest_id": contest_id, "local_government_code": c} for c in codes]
    )
    return contest_id


async def get_contest(session: AsyncSession, contest_id: int) -> Row[Any] | None:
    return (await session.execute(select(contests).where(contests.c.id == contest_id))).one_or_none()


_CONTEST_WITH_AREAS = CompiledRead(
    select(contests, contest_areas.c.local_government_code.label("area"))
    .select_from(contests.outerjoin(contest_areas, contest_areas.c.contest_id == contests.c.id))
    .where(contests.c.id == bindparam("id"))
    .order_by(contest_areas.c.local_government_code)
)


async def contest_with_areas(reader: Reader, contest_id: int) -> tuple[Row[Any], list[str]] | None:
    """The contest and its district's local-government codes (sorted), in one statement."""
    rows = await _CONTEST_WITH_AREAS.all(reader, id=contest_id)
    if not rows:
        return None
    return rows[0], [row.area for row in rows if row.area is not None]


async def contests_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(contests).where(contests.c.election_id == election_id).order_by(contests.c.id)
            )
        ).all()
    )


async def areas_of(session: AsyncSession, contest_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(contest_areas)
        .where(contest_areas.c.contest_id.in_(contest_ids))
        .order_by(contest_areas.c.local_government_code)
    )
    areas: dict[int, list[str]] = {cid: [] for cid in contest_ids}
    for row in rows:
        areas[row.contest_id].append(row.local_government_code)
    return areas


async def insert_counting_district(session: AsyncSession, *, election_id: int, name: str, code: str) -> int:
    try:
        new_id = await insert_id(
            session,
            counting_districts,
            {"election_id": election_id, "name": name, "local_government_code": code},
        )
    except IntegrityError:
        raise Conflict(
            f"The election already has a counting district named {name!r}.",
            slug="duplicate-counting-district",
        ) from None
    return new_id


async def get_counting_district(session: AsyncSession, district_id: int) -> Row[Any] | None:
    return (
        await session.execute(select(counting_districts).where(counting_districts.c.id == district_id))
    ).one_or_none()


async def counting_districts_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    statement = (
        select(counting_districts)
        .where(counting_districts.c.election_id == election_id)
        .order_by(counting_districts.c.id)
    )
    return list((await session.execute(statement)).all())


async def insert_station(
    session: AsyncSession,
    *,
    election_id: int,
    district_id: int,
    name: str,
    code: str,
    areas: list[str],
    hours: tuple[str, str] = ("07:00", "20:00"),
) -> int:
    try:
        new_id = await insert_id(
            session,
            polling_stations,
            {
                "election_id": election_id,
                "counting_district_id": district_id,
                "name": name,
                "local_government_code": code,
                "address_areas": areas,
                "opens_at": hours[0],
                "closes_at": hours[1],
            },
        )
    except IntegrityError:
        raise Conflict(
            f"The election already has a polling station named {name!r}.", slug="duplicate-polling-station"
        ) from None
    return new_id


async def get_station(reader: Reader, station_id: int) -> Row[Any] | None:
    row: Row[Any] | None = await _STATION.one_or_none(reader, id=station_id)
    return row


async def stations_page(
    session: AsyncSession, election_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await page_by(
        session,
        select(polling_stations).where(polling_stations.c.election_id == election_id),
        polling_stations.c.id,
        page,
        query_fingerprint("list_polling_stations", election_id=election_id),
    )


async def counting_districts_page(
    session: AsyncSession, election_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await page_by(
        session,
        select(counting_districts).where(counting_districts.c.election_id == election_id),
        counting_districts.c.id,
        page,
        query_fingerprint("list_counting_districts", election_id=election_id),
    )


async def parties_page(
    session: AsyncSession, election_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await page_by(
        session,
        select(parties).where(parties.c.election_id == election_id),
        parties.c.id,
        page,
        query_fingerprint("list_parties", election_id=election_id),
    )


async def candidates_page(
    session: AsyncSession, contest_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await page_by(
        session,
        select(candidates).where(candidates.c.contest_id == contest_id),
        candidates.c.id,
        page,
        query_fingerprint("list_candidates", contest_id=contest_id),
    )


async def station_areas(
    session: AsyncSession, election_id: int, code: str | None = None
) -> list[tuple[int, list[str]]]:
    statement = select(polling_stations.c.id, polling_stations.c.address_areas).where(
        polling_stations.c.election_id == election_id
    )
    if code is not None:
        statement = statement.where(polling_stations.c.local_government_code == code)
    return [(row.id, list(row.address_areas)) for row in await session.execute(statement)]


async def insert_party(
    session: AsyncSession, *, election_id: int, name: str, abbreviation: str | None
) -> int:
    try:
        new_id = await insert_id(
            session, parties, {"election_id": election_id, "name": name, "abbreviation": abbreviation}
        )
    except IntegrityError:
        raise Conflict(f"The election already has a party named {name!r}.", slug="duplicate-party") from None
    return new_id


async def get_party(session: AsyncSession, party_id: int) -> Row[Any] | None:
    return (await session.execute(select(parties).where(parties.c.id == party_id))).one_or_none()


async def parties_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(parties).where(parties.c.election_id == election_id).order_by(parties.c.id)
            )
        ).all()
    )


async def person_key_taken(
    session: AsyncSession, election_id: int, person_key: str, *, other_than: int | None = None
) -> bool:
    statement = select(func.count()).where(
        candidates.c.election_id == election_id, candidates.c.person_key == person_key
    )
    if other_than is not None:
        statement = statement.where(candidates.c.id != other_than)
    return bool((await session.execute(statement)).scalar_one())


async def list_entry_for(session: AsyncSession, district_candidate_id: int) -> Row[Any] | None:
    """The House of Representatives list entry naming this district candidacy, if any."""
    statement = select(candidates).where(candidates.c.district_candidate_id == district_candidate_id)
    return (await session.execute(statement)).one_or_none()


async def dual_flags_at_rank(
    session: AsyncSession, contest_id: int, party_id: int, list_rank: int, *, other_than: int | None
) -> list[bool]:
    """For each other entry of the party's list at this rank: is it a dual candidate?"""
    statement = select(candidates.c.district_candidate_id.is_not(None)).where(
        candidates.c.contest_id == contest_id,
        candidates.c.party_id == party_id,
        candidates.c.list_rank == list_rank,
    )
    if other_than is not None:
        statement = statement.where(candidates.c.id != other_than)
    return [bool(flag) for flag in (await session.execute(statement)).scalars()]


async def insert_candidate(session: AsyncSession, values: dict[str, Any]) -> int:
    try:
        new_id = await insert_id(session, candidates, dict(**values))
    except IntegrityError:
        raise Conflict(
            "A candidate stands once per election, and each list position holds one candidate.",
            slug="duplicate-candidacy",
        ) from None
    return new_id


async def get_candidate(reader: Reader, candidate_id: int) -> Row[Any] | None:
    row: Row[Any] | None = await _CANDIDATE.one_or_none(reader, id=candidate_id)
    return row


async def contests_of_candidates(session: AsyncSession, candidate_ids: list[int]) -> dict[int, int]:
    """Each candidacy's contest, in one query."""
    if not candidate_ids:
        return {}
    statement = select(candidates.c.id, candidates.c.contest_id).where(candidates.c.id.in_(candidate_ids))
    return {row.id: row.contest_id for row in await session.execute(statement)}


async def candidates_of(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(candidates).where(candidates.c.contest_id == contest_id).order_by(candidates.c.id)
            )
        ).all()
    )


async def _update(
    session: AsyncSession, table: Table, row: Row[Any], values: dict[str, Any], conflict: Conflict
) -> None:
    try:
        async with session.begin_nested():
            await update_versioned(
                session, table, table.c.id == row.id, expected_version=row.version, values=values
            )
    except IntegrityError:
        raise conflict from None


async def update_contest(
    session: AsyncSession, row: Row[Any], *, values: dict[str, Any], codes: list[str]
) -> None:
    await _update(
        session,
        contests,
        row,
        values,
        Conflict(f"The election already has a contest named {values['name']!r}.", slug="duplicate-contest"),
    )
    await session.execute(delete(contest_areas).where(contest_areas.c.contest_id == row.id))
    await session.execute(
        insert(contest_areas), [{"contest_id": row.id, "local_government_code": c} for c in codes]
    )


async def update_station(session: AsyncSession, row: Row[Any], *, values: dict[str, Any]) -> None:
    await _update(
        session,
        polling_stations,
        row,
        values,
        Conflict(
            f"The election already has a polling station named {values['name']!r}.",
            slug="duplicate-polling-station",
        ),
    )


async def update_candidate(session: AsyncSession, row: Row[Any], *, values: dict[str, Any]) -> None:
    await _update(
        session,
        candidates,
        row,
        values,
        Conflict(
            "A candidate stands once per election, and each list position holds one candidate.",
            slug="duplicate-candidacy",
        ),
    )


async def contest_has_tallies(session: AsyncSession, contest_id: int) -> bool:
    statement = select(tally_sheets.c.id).where(tally_sheets.c.contest_id == contest_id).limit(1)
    return (await session.execute(statement)).first() is not None


async def contest_is_certified(session: AsyncSession, contest_id: int) -> bool:
    statement = select(certifications.c.contest_id).where(certifications.c.contest_id == contest_id)
    return (await session.execute(statement)).first() is not None
