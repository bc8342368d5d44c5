"""Checking voters in, and a supervisor's undo."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.checkins import repository
from services.elections.checkins.repository import CheckInRow, VotingFacts
from services.elections.checkins.rules import method_problem
from services.elections.setup.service import require_election
from services.elections.suspensions import service as suspensions
from shared.contracts.elections import CheckIn, CheckInIn, OverseasVotingMethod, VotingMethod
from shared.db.engine import Database
from shared.db.reads import Reader
from shared.values import JST
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, Problem, UnprocessableContent

RECORDED = "check_in.recorded"
# Ids a process takes from the sequence at a time for the check-ins it records in one statement.
ID_BLOCK = 32


class CheckInDesk:
    """What this process keeps to record a check-in and its audit record in one statement that commits
    by itself (PostgreSQL): check-in ids taken ahead from the table's sequence, since the audit record
    names its check-in before the row exists, and the heads of the audit lanes."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.heads = audit.LaneHeads(database)
        self._ids: list[int] = []

    async def next_id(self) -> int:
        if not self._ids:
            self._ids.extend(reversed(await repository.take_ids(self.database, ID_BLOCK)))
        return self._ids.pop()

    def unused(self, check_in_id: int) -> None:
        """An id whose statement recorded nothing: the next check-in takes it."""
        self._ids.append(check_in_id)


def check_in_model(row: Row[Any] | CheckInRow) -> CheckIn:
    if isinstance(row, CheckInRow):
        return CheckIn.model_validate(row._asdict())
    return CheckIn.model_validate(
        {**row._mapping, "checked_in_at": row.checked_in_at, "undone_at": row.undone_at}
    )


def _voter_refusal(facts: VotingFacts, data: CheckInIn, today: date) -> Problem | None:
    """Why nobody may vote this way today, or why this resident may not vote here at all, or None."""
    closed = method_problem(
        data.method, today=today, announcement_date=facts.announcement_date, polling_day=facts.polling_day
    )
    if closed:
        return UnprocessableContent(f"Not open today: {closed}.", slug="voting-closed")
    if not facts.on_roll:
        return UnprocessableContent("This resident is not on the roll of this election.", slug="not-on-roll")
    if facts.overseas_entry_id is not None:
        return UnprocessableContent(
            "This resident moved to the overseas roll (登録の移転, art. 30-4(2)) and votes from it.",
            slug="not-on-roll",
            overseas_entry_id=facts.overseas_entry_id,
        )
    return None


def _place_refusal(facts: VotingFacts, data: CheckInIn, election_id: int) -> Problem | None:
    """Why this voter may not vote at the place named, or None."""
    if data.method == VotingMethod.ABSENTEE:
        if data.station_id is not None:
            return UnprocessableContent(
                "An absentee vote is not cast at a polling station.", slug="absentee-station"
            )
        return None
    if data.station_id is None:
        return UnprocessableContent(
            f"{data.method.value} voting needs the station_id.", slug="station-required"
        )
    if facts.station_election_id != election_id:
        return UnprocessableContent(
            f"Station {data.station_id} is not part of this election.", slug="unknown-station"
        )
    if data.method == VotingMethod.ORDINARY and facts.assigned_station_id != data.station_id:
        return UnprocessableContent(
            "On polling day a voter votes at their assigned station.",
            slug="wrong-station",
            assigned_station_id=facts.assigned_station_id,
        )
    return None


async def _already_voted(reader: Reader, election_id: int, resident_code: str) -> Conflict:
    """The refusal of a second vote, naming the check-in that stands."""
    earlier = await repository.standing(reader, election_id, resident_code)
    extra: dict[str, Any] = {}
    if earlier is not None:
        extra = {
            "check_in_id": earlier.id,
            "method": earlier.method,
            "station_id": earlier.station_id,
            "checked_in_at": earlier.checked_in_at.isoformat(),
        }
    return Conflict("This voter has already voted in this election.", slug="already-voted", **extra)


async def _refuse(reader: Reader, facts: VotingFacts, data: CheckInIn, election_id: int, today: date) -> None:
    """Raises the first reason, in the order a clerk checks: open today, on the roll, the vote not
    suspended today (the roll's mark, art. 27), the place."""
    refusal = _voter_refusal(facts, data, today)
    if refusal is not None:
        raise refusal
    if facts.suspension_id is not None:
        raise await suspensions.refusal(reader, facts.suspension_id)
    refusal = _place_refusal(facts, data, election_id)
    if refusal is not None:
        raise refusal


def _no_election(election_id: int) -> NotFound:
    return NotFound(f"No election {election_id}.", slug="election-not-found")


async def check_in(*, session: AsyncSession, clerk: str, election_id: int, data: CheckInIn) -> CheckIn:
    """The facts read, the refusals checked, then the check-in and its audit record written, in the
    session's transaction."""
    now = datetime.now(UTC)
    today = now.astimezone(JST).date()
    facts = await repository.voting_facts(session, election_id, data.resident_code, data.station_id, today)
    if facts is None:
        raise _no_election(election_id)
    await _refuse(session, facts, data, election_id, today)
    values = _check_in_values(election_id, data.resident_code, data.method, data.station_id, clerk, now)
    row = await _recorded(session, clerk, values, {})
    if row is None:
        raise await _already_voted(session, election_id, data.resident_code)
    return check_in_model(row)


async def check_in_at_desk(*, desk: CheckInDesk, clerk: str, election_id: int, data: CheckInIn) -> CheckIn:
    """The same decision as `check_in`, in one statement that reads the facts and writes the check-in
    and its audit record unless a refusal applies or the voter has a standing check-in, committing by
    itself; only when nothing was recorded are the facts asked why."""
    now = datetime.now(UTC)
    today = now.astimezone(JST).date()
    check_in_id = await desk.next_id()
    values = _check_in_values(election_id, data.resident_code, data.method, data.station_id, clerk, now)
    parameters = {**values, "id": check_in_id, "today": today}

    async def write(record: dict[str, Any]) -> tuple[tuple[VotingFacts, CheckInRow | None] | None, bool]:
        outcome = await repository.check_in_at_once(desk.database, parameters, record)
        return outcome, outcome is not None and outcome[1] is not None

    outcome = await desk.heads.append(
        at=now,
        actor=clerk,
        action=RECORDED,
        election_id=election_id,
        subject=f"check_in:{check_in_id}",
        details=_audited(values),
        write=write,
    )
    if outcome is None or outcome[1] is None:
        desk.unused(check_in_id)
    if outcome is None:
        raise _no_election(election_id)
    facts, row = outcome
    if row is None:
        await _refuse(desk.database, facts, data, election_id, today)
        raise await _already_voted(desk.database, election_id, data.resident_code)
    return check_in_model(row)


async def undo_check_in(
    *, session: AsyncSession, supervisor: str, election_id: int, check_in_id: int, reason: str
) -> CheckIn:
    row = await repository.get(session, check_in_id)
    if row is None or row.election_id != election_id:
        raise NotFound(f"No check-in {check_in_id} in election {election_id}.", slug="check-in-not-found")
    undone = await repository.undo(session, check_in_id, by=supervisor, reason=reason, now=datetime.now(UTC))
    if undone is None:
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
    return check_in_model(undone)


async def list_check_ins(
    *, session: AsyncSession, election_id: int, resident_code: str | None, page: PageRequest
) -> Page[CheckIn]:
    rows, token = await repository.page_of(session, election_id, resident_code, page)
    if not rows:
        await require_election(session, election_id)
    return Page[CheckIn](items=[check_in_model(row) for row in rows], next_page_token=token)


async def get_check_in(*, reader: Reader, election_id: int, check_in_id: int) -> CheckIn:
    row = await repository.get(reader, check_in_id)
    if row is None or row.election_id != election_id:
        raise NotFound(f"No check-in {check_in_id} in election {election_id}.", slug="check-in-not-found")
    return check_in_model(row)


def _check_in_values(
    election_id: int,
    resident_code: str,
    method: VotingMethod,
    station_id: int | None,
    clerk: str,
    now: datetime,
    overseas_method: str | None = None,
) -> dict[str, Any]:
    return {
        "election_id": election_id,
        "resident_code": resident_code,
        "active_resident_code": resident_code,
        "method": method.value,
        "station_id": station_id,
        "checked_in_at": now,
        "clerk_id": clerk,
        "overseas_method": overseas_method,
    }


async def _recorded(
    session: AsyncSession, clerk: str, values: dict[str, Any], noted: dict[str, Any]
) -> Row[Any] | None:
    """The check-in inserted and audited, or None when the voter has a standing one (nothing written)."""
    row = await repository.insert_unless_voted(session, values)
    if row is not None:
        await audit.record(
            session=session,
            actor=clerk,
            action=RECORDED,
            election_id=values["election_id"],
            subject=f"check_in:{row.id}",
            details={**_audited(values), **noted},
        )
    return row


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in ("resident_code", "method", "station_id")}


async def _remote_vote(
    session: AsyncSession, clerk: str, election_id: int, resident_code: str, **noted: Any
) -> Row[Any] | None:
    """A vote not cast at a station (absentee, or from the overseas roll), unless the voter has a standing
    check-in; audited like every check-in."""
    values = _check_in_values(
        election_id,
        resident_code,
        VotingMethod.ABSENTEE,
        None,
        clerk,
        datetime.now(UTC),
        overseas_method=noted.get("overseas_method"),
    )
    return await _recorded(session, clerk, values, noted)


async def record_absentee_vote(
    *, session: AsyncSession, clerk: str, election_id: int, resident_code: str, ballot_id: int
) -> CheckIn | None:
    """The vote of an absentee ballot the commission received (art. 49), or None when the voter already
    has a standing check-in (they voted in person first: the ballot is then not accepted)."""
    row = await _remote_vote(session, clerk, election_id, resident_code, absentee_ballot_id=ballot_id)
    return None if row is None else check_in_model(row)


async def record_overseas_vote(
    *, session: AsyncSession, clerk: str, election_id: int, resident_code: str, method: OverseasVotingMethod
) -> CheckIn:
    """A vote from the overseas roll (art. 49-2); 409 when the person voted in this election already."""
    row = await _remote_vote(session, clerk, election_id, resident_code, overseas_method=method.value)
    if row is None:
        raise await _already_voted(session, election_id, resident_code)
    return check_in_model(row)


async def standing_check_in(session: AsyncSession, election_id: int, resident_code: str) -> CheckIn | None:
    row = await repository.standing(session, election_id, resident_code)
    return None if row is None else check_in_model(row)
