"""Checking voters in, and a supervisor's undo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.checkins import repository
from services.elections.checkins.rules import method_problem
from services.elections.setup import repository as setup_repository
from services.elections.setup.service import require_election
from services.elections.roll import repository as roll_repository
from shared.contracts.elections import CheckIn, CheckInIn, VotingMethod
from shared.values import JST
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def check_in_model(row: Row[Any]) -> CheckIn:
    return CheckIn.model_validate(
        {**row._mapping, "checked_in_at": row.checked_in_at, "undone_at": row.undone_at}
    )


async def check_in(*, session: AsyncSession, clerk: str, election_id: int, data: CheckInIn) -> CheckIn:
    election = await require_election(session, election_id)
    now = datetime.now(UTC)
    problem = method_problem(
        data.method,
        today=now.astimezone(JST).date(),
        announcement_date=election.announcement_date,
        polling_day=election.polling_day,
    )
    if problem:
        raise UnprocessableContent(f"Not open today: {problem}.", slug="voting-closed")
    voter = await roll_repository.get_entry(session, election_id, data.resident_code)
    if voter is None or not voter.on_roll:
        raise UnprocessableContent("This resident is not on the roll of this election.", slug="not-on-roll")
    if data.method == VotingMethod.ABSENTEE:
        if data.station_id is not None:
            raise UnprocessableContent(
                "An absentee vote is not cast at a polling station.", slug="absentee-station"
            )
    else:
        if data.station_id is None:
            raise UnprocessableContent(
                f"{data.method.value} voting needs the station_id.", slug="station-required"
            )
        station = await setup_repository.get_station(session, data.station_id)
        if station is None or station.election_id != election_id:
            raise UnprocessableContent(
                f"Station {data.station_id} is not part of this election.", slug="unknown-station"
            )
        if data.method == VotingMethod.ORDINARY and voter.station_id != station.id:
            raise UnprocessableContent(
                "On polling day a voter votes at their assigned station.",
                slug="wrong-station",
                assigned_station_id=voter.station_id,
            )
    new_id = await repository.insert_unless_voted(
        session,
        {
            "election_id": election_id,
            "resident_code": data.resident_code,
            "active_resident_code": data.resident_code,
            "method": data.method.value,
            "station_id": data.station_id,
            "checked_in_at": now,
            "clerk_id": clerk,
        },
    )
    if new_id is None:
        earlier = await repository.standing(session, election_id, data.resident_code)
        extra: dict[str, Any] = {}
        if earlier is not None:
            extra = {
                "check_in_id": earlier.id,
                "method": earlier.method,
                "station_id": earlier.station_id,
                "checked_in_at": earlier.checked_in_at.isoformat(),
            }
        raise Conflict("This voter has already voted in this election.", slug="already-voted", **extra)
    await audit.record(
        session=session,
        actor=clerk,
        action="check_in.recorded",
        election_id=election_id,
        subject=f"check_in:{new_id}",
        details={
            "resident_code": data.resident_code,
            "method": data.method.value,
            "station_id": data.station_id,
        },
    )
    row = await repository.get(session, new_id)
    assert row is not None
    return check_in_model(row)


async def undo_check_in(
    *, session: AsyncSession, supervisor: str, election_id: int, check_in_id: int, reason: str
) -> CheckIn:
    row = await repository.get(session, check_in_id)
    if row is None or row.election_id != election_id:
        raise NotFound(f"No check-in {check_in_id} in election {election_id}.", slug="check-in-not-found")
    now = datetime.now(UTC)
    if not await repository.undo(session, check_in_id, by=supervisor, reason=reason, now=now):
        raise Conflict("This check-in was already undone.", slug="already-undone")
    await audit.record(
        session=session,
        actor=supervisor,
        action="check_in.undone",
        election_id=election_id,
        subject=f"check_in:{check_in_id}",
        details={
            "resident_code": row.resident_code,
            "method": row.method,
            "station_id": row.station_id,
            "clerk_id": row.clerk_id,
            "checked_in_at": row.checked_in_at.isoformat(),
            "reason": reason,
        },
    )
    updated = await repository.get(session, check_in_id)
    assert updated is not None
    return check_in_model(updated)


async def get_check_in(*, session: AsyncSession, election_id: int, check_in_id: int) -> CheckIn:
    row = await repository.get(session, check_in_id)
    if row is None or row.election_id != election_id:
        raise NotFound(f"No check-in {check_in_id} in election {election_id}.", slug="check-in-not-found")
    return check_in_model(row)
