"""Absentee ballots step by step; the receipt records the vote unless the voter voted in person first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.absentee import repository
from services.elections.absentee.rules import DATE_COLUMN, date_problem, out_of_order, receipt
from services.elections.audit import service as audit
from services.elections.checkins import service as checkins
from services.elections.checkins.rules import method_problem
from services.elections.suspensions import service as suspensions
from shared.contracts.elections import (
    AbsenteeBallot,
    AbsenteeBallotIn,
    AbsenteeState,
    AbsenteeStep,
    AbsenteeStepIn,
    VotingMethod,
)
from shared.values import JST
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def model(row: Row[Any]) -> AbsenteeBallot:
    return AbsenteeBallot.model_validate({**row._mapping, "updated_at": row.updated_at})


def _today() -> date:
    return datetime.now(JST).date()


async def request(
    *, session: AsyncSession, clerk: str, election_id: int, data: AbsenteeBallotIn
) -> AbsenteeBallot:
    facts = await repository.election_and_entry(session, election_id, data.resident_code)
    if facts is None:
        raise NotFound(f"No election {election_id}.", slug="election-not-found")
    today = _today()
    if today >= facts.polling_day:
        last = facts.polling_day - timedelta(days=1)
        raise UnprocessableContent(f"Absentee ballots can be requested until {last}.", slug="voting-closed")
    if not facts.on_roll:
        raise UnprocessableContent("This resident is not on the roll of this election.", slug="not-on-roll")
    suspended = await suspensions.covering(session, data.resident_code, today)
    if suspended is not None:
        raise await suspensions.refusal(session, suspended)
    standing = await checkins.standing_check_in(session, election_id, data.resident_code)
    if standing is not None:
        raise Conflict(
            "This voter has already voted in this election.", slug="already-voted", check_in_id=standing.id
        )
    now = datetime.now(UTC)
    row = await repository.add_unless_one(
        session,
        {
            "election_id": election_id,
            "resident_code": data.resident_code,
            "state": AbsenteeState.REQUESTED.value,
            "requested_on": today,
            "updated_at": now,
        },
    )
    if row is None:
        earlier = await repository.of_voter(session, election_id, data.resident_code)
        raise Conflict(
            "This voter has an absentee ballot for this election already.",
            slug="absentee-ballot-exists",
            absentee_ballot_id=earlier.id if earlier is not None else None,
        )
    await _audit(session, clerk, row, "absentee.requested", today)
    return model(row)


async def _audit(
    session: AsyncSession, clerk: str, row: Row[Any], action: str, on: date, **extra: Any
) -> None:
    await audit.record(
        session=session,
        actor=clerk,
        action=action,
        election_id=row.election_id,
        subject=f"absentee_ballot:{row.id}",
        details={"resident_code": row.resident_code, "on": on.isoformat(), **extra},
    )


async def _ballot(reader: AsyncSession, election_id: int, ballot_id: int) -> Row[Any]:
    row = await repository.get(reader, ballot_id)
    if row is None or row.election_id != election_id:
        raise NotFound(
            f"No absentee ballot {ballot_id} in election {election_id}.", slug="absentee-ballot-not-found"
        )
    return row


def _previous_on(row: Row[Any]) -> date:
    dates: list[date] = [d for d in (row.requested_on, row.issued_on, row.voted_on, row.sent_on) if d]
    return max(dates)


async def _check_step(session: AsyncSession, row: Row[Any], data: AbsenteeStepIn, on: date) -> None:
    wrong_order = out_of_order(AbsenteeState(row.state), data.step)
    if wrong_order:
        raise Conflict(wrong_order, slug="absentee-step-out-of-order", state=row.state)
    wrong_date = date_problem(on, previous_on=_previous_on(row), today=_today())
    if wrong_date:
        raise UnprocessableContent(wrong_date, slug="absentee-step-date")
    if data.step == AbsenteeStep.VOTED:
        election = await repository.election_and_entry(session, row.election_id, row.resident_code)
        assert election is not None
        closed = method_problem(
            VotingMethod.ABSENTEE,
            today=on,
            announcement_date=election.announcement_date,
            polling_day=election.polling_day,
        )
        if closed:
            raise UnprocessableContent(f"Not a day for absentee voting: {closed}.", slug="voting-closed")


async def record_step(
    *, session: AsyncSession, clerk: str, election_id: int, ballot_id: int, data: AbsenteeStepIn
) -> AbsenteeBallot:
    row = await _ballot(session, election_id, ballot_id)
    on = data.occurred_on or _today()
    await _check_step(session, row, data, on)
    moved = await repository.advance(
        session,
        ballot_id,
        row.state,
        {"state": data.step.value, DATE_COLUMN[data.step]: on, "updated_at": datetime.now(UTC)},
    )
    if moved is None:
        raise Conflict(
            "Another clerk recorded a step of this ballot at the same time; read it again.",
            slug="absentee-step-out-of-order",
            state=row.state,
        )
    if data.step == AbsenteeStep.RECEIVED:
        # The vote (or its refusal) first: a clerk's check-in racing this one waits on the check-ins'
        # unique index while this transaction holds no audit lane yet.
        moved = await _receive(session, clerk, moved, on)
    outcome = {"outcome": moved.outcome, "reason": moved.outcome_reason} if moved.outcome else {}
    await _audit(session, clerk, moved, f"absentee.{data.step.value}", on, **outcome)
    return model(moved)


async def _receive(session: AsyncSession, clerk: str, row: Row[Any], on: date) -> Row[Any]:
    """Counts the ballot as the voter's vote (an absentee check-in) unless it arrived late or the voter
    voted otherwise first; either way the outcome is recorded (and audited with the step)."""
    election = await repository.election_and_entry(session, row.election_id, row.resident_code)
    assert election is not None
    vote = None
    suspended = await suspensions.covering(session, row.resident_code, row.voted_on)
    if on <= election.polling_day and suspended is None:
        vote = await checkins.record_absentee_vote(
            session=session,
            clerk=clerk,
            election_id=row.election_id,
            resident_code=row.resident_code,
            ballot_id=row.id,
        )
    standing = (
        None
        if vote is not None
        else await checkins.standing_check_in(session, row.election_id, row.resident_code)
    )
    decided = receipt(
        on,
        election.polling_day,
        None if vote is not None else (standing.id if standing else None),
        suspension_id=suspended,
    )
    return await repository.set_outcome(
        session,
        row.id,
        {
            "outcome": decided.outcome.value,
            "outcome_reason": decided.reason,
            "check_in_id": vote.id if vote is not None else None,
        },
    )


async def get(*, reader: AsyncSession, election_id: int, ballot_id: int) -> AbsenteeBallot:
    return model(await _ballot(reader, election_id, ballot_id))
