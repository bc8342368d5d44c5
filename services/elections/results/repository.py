"""All SQL of results: aggregated counts, lots, certification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.tables import (
    certifications,
    check_ins,
    counting_districts,
    lots,
    objections,
    polling_stations,
    result_versions,
    roll_entries,
    tally_counts,
    tally_sheets,
)
from services.elections.turnout.repository import transferred_abroad
from shared.web.problems import Conflict


async def certification(session: AsyncSession, contest_id: int) -> Row[Any] | None:
    statement = select(certifications).where(certifications.c.contest_id == contest_id)
    return (await session.execute(statement)).one_or_none()


async def certify(
    session: AsyncSession, *, contest_id: int, by: str, at: datetime, result: dict[str, Any]
) -> None:
    try:
        await session.execute(
            insert(certifications).values(
                contest_id=contest_id, certified_at=at, certified_by=by, result=result
            )
        )
    except IntegrityError:
        raise Conflict("This result is already certified.", slug="already-certified") from None


async def districts_of(session: AsyncSession, election_id: int) -> list[Row[Any]]:
    statement = (
        select(counting_districts)
        .where(counting_districts.c.election_id == election_id)
        .order_by(counting_districts.c.id)
    )
    return list((await session.execute(statement)).all())


async def station_counts(session: AsyncSession, election_id: int) -> dict[int, int]:
    statement = (
        select(polling_stations.c.counting_district_id, func.count())
        .where(polling_stations.c.election_id == election_id)
        .group_by(polling_stations.c.counting_district_id)
    )
    return {row[0]: int(row[1]) for row in await session.execute(statement)}


async def counted_sheets(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    """Per counting district: counted sheets (district-level or station) and ballot totals."""
    statement = (
        select(
            tally_sheets.c.counting_district_id,
            func.count().label("sheets"),
            func.count(tally_sheets.c.station_id).label("station_sheets"),
            func.coalesce(func.sum(tally_sheets.c.ballots_issued), 0).label("ballots_issued"),
            func.coalesce(func.sum(tally_sheets.c.invalid_ballots), 0).label("invalid_ballots"),
            func.coalesce(func.sum(tally_sheets.c.unreturned_ballots), 0).label("unreturned_ballots"),
        )
        .where(tally_sheets.c.contest_id == contest_id, tally_sheets.c.status == "counted")
        .group_by(tally_sheets.c.counting_district_id)
    )
    return list((await session.execute(statement)).all())


async def counts_by_district(session: AsyncSession, contest_id: int) -> list[Any]:
    """Sum of counted votes per counting district and selection, in one pass over the counts."""
    statement = (
        select(
            tally_sheets.c.counting_district_id,
            tally_counts.c.selection,
            func.sum(tally_counts.c.votes).label("votes"),
        )
        .select_from(tally_counts.join(tally_sheets, tally_sheets.c.id == tally_counts.c.sheet_id))
        .where(tally_sheets.c.contest_id == contest_id, tally_sheets.c.status == "counted")
        .group_by(tally_sheets.c.counting_district_id, tally_counts.c.selection)
    )
    return list((await session.execute(statement)).all())


async def lots_of(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    return list(
        (await session.execute(select(lots).where(lots.c.contest_id == contest_id).order_by(lots.c.id))).all()
    )


async def insert_lot(session: AsyncSession, values: dict[str, Any]) -> int:
    try:
        result = await session.execute(insert(lots).values(**values).returning(lots.c.id))
    except IntegrityError:
        raise Conflict("A lot for this tie is already recorded.", slug="lot-already-recorded") from None
    return int(result.scalar_one())


async def get_lot(session: AsyncSession, lot_id: int) -> Row[Any]:
    return (await session.execute(select(lots).where(lots.c.id == lot_id))).one()


async def registered_by_municipality(
    session: AsyncSession, election_id: int, polling_day: date
) -> dict[str, int]:
    """Electors on the election's (domestic) roll, per municipality; those transferred to the overseas roll
    by polling day are counted there instead (as turnout counts them)."""
    statement = (
        select(roll_entries.c.local_government_code, func.count())
        .where(
            roll_entries.c.election_id == election_id,
            roll_entries.c.on_roll.is_(True),
            ~transferred_abroad(polling_day),
        )
        .group_by(roll_entries.c.local_government_code)
    )
    return {row[0]: int(row[1]) for row in await session.execute(statement)}


async def participated_by_municipality(session: AsyncSession, election_id: int) -> dict[str, int]:
    """Voters of the domestic roll with a standing check-in, per municipality of their roll entry (an
    overseas vote is counted with the overseas roll's)."""
    joined = check_ins.join(
        roll_entries,
        and_(
            roll_entries.c.election_id == check_ins.c.election_id,
            roll_entries.c.resident_code == check_ins.c.resident_code,
        ),
    )
    statement = (
        select(roll_entries.c.local_government_code, func.count())
        .select_from(joined)
        .where(
            check_ins.c.election_id == election_id,
            check_ins.c.active_resident_code.is_not(None),
            check_ins.c.overseas_method.is_(None),
        )
        .group_by(roll_entries.c.local_government_code)
    )
    return {row[0]: int(row[1]) for row in await session.execute(statement)}


async def latest_version(session: AsyncSession, contest_id: int) -> Row[Any] | None:
    """The certified result's current issue."""
    statement = (
        select(result_versions)
        .where(result_versions.c.contest_id == contest_id)
        .order_by(result_versions.c.version.desc())
        .limit(1)
    )
    return (await session.execute(statement)).one_or_none()


async def get_version(session: AsyncSession, contest_id: int, version: int) -> Row[Any] | None:
    statement = select(result_versions).where(
        result_versions.c.contest_id == contest_id, result_versions.c.version == version
    )
    return (await session.execute(statement)).one_or_none()


async def versions_of(session: AsyncSession, contest_id: int) -> list[Row[Any]]:
    statement = (
        select(result_versions)
        .where(result_versions.c.contest_id == contest_id)
        .order_by(result_versions.c.version)
    )
    return list((await session.execute(statement)).all())


async def insert_version(session: AsyncSession, values: dict[str, Any]) -> None:
    """Versions are numbered by the caller from the latest; two issuing at once collide on the key."""
    try:
        await session.execute(insert(result_versions).values(**values))
    except IntegrityError:
        raise Conflict(
            "Another version of this result was issued at the same time.", slug="result-version-conflict"
        ) from None


async def recount_open(session: AsyncSession, contest_id: int) -> bool:
    """Whether an objection's ordered recount is open for the contest (its tallies then accept entries)."""
    statement = select(objections.c.id).where(objections.c.recounting_contest_id == contest_id)
    return (await session.execute(statement)).first() is not None
