"""Recording and lifting suspensions of the vote, and the marks (表示, art. 27) they put on a roll."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.roll.readlog import RollRead
from services.elections.suspensions import repository
from services.elections.suspensions.rules import Period, basis, describe, voting_period
from shared.contracts.elections import (
    RollMark,
    Suspension,
    SuspensionBasis,
    SuspensionIn,
    SuspensionLiftIn,
)
from shared.db.reads import Reader
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent

MARK_KIND = "voting_rights_suspended"


def period_of(row: Any) -> Period:
    return Period(row.from_date, row.until_date, row.lifted_on)


def model(row: Row[Any]) -> Suspension:
    mapping = row._mapping
    return Suspension.model_validate(
        {**mapping, "article": basis(SuspensionBasis(row.basis)).article, "recorded_at": row.recorded_at}
    )


def _audited(row: Row[Any]) -> dict[str, Any]:
    return {
        "resident_code": row.resident_code,
        "basis": row.basis,
        "from_date": row.from_date.isoformat(),
        "until_date": row.until_date.isoformat() if row.until_date else None,
        "source_local_government_code": row.source_local_government_code,
        "document_reference": row.document_reference,
    }


async def record(*, session: AsyncSession, actor: str, data: SuspensionIn) -> Suspension:
    rule = basis(data.basis)
    row = await repository.add(
        session,
        {
            **data.model_dump(),
            "basis": data.basis.value,
            "suspends_voting": rule.suspends_voting,
            "recorded_by": actor,
            "recorded_at": datetime.now(UTC),
        },
    )
    await audit.record(
        session=session,
        actor=actor,
        action="suspension.recorded",
        election_id=None,
        subject=f"suspension:{row.id}",
        details={**_audited(row), "article": rule.article},
    )
    return model(row)


async def _existing(reader: Reader, suspension_id: int) -> Row[Any]:
    row = await repository.get(reader, suspension_id)
    if row is None:
        raise NotFound(f"No suspension {suspension_id}.", slug="suspension-not-found")
    return row


def _lift_problem(row: Row[Any], effective: date) -> UnprocessableContent | None:
    if effective < row.from_date:
        return UnprocessableContent(
            f"The suspension starts on {row.from_date}; it cannot be lifted before it starts.",
            slug="lift-before-suspension",
        )
    if row.until_date is not None and effective > row.until_date:
        return UnprocessableContent(
            f"The suspension ended on {row.until_date} by itself; there is nothing left to lift.",
            slug="suspension-already-ended",
        )
    return None


async def lift(
    *, session: AsyncSession, actor: str, suspension_id: int, data: SuspensionLiftIn
) -> Suspension:
    row = await _existing(session, suspension_id)
    if row.lifted_on is not None:
        raise Conflict(f"Suspension {suspension_id} was lifted already.", slug="suspension-already-lifted")
    problem = _lift_problem(row, data.effective_date)
    if problem is not None:
        raise problem
    lifted = await repository.lift(
        session,
        suspension_id,
        {
            "lifted_on": data.effective_date,
            "lifted_by": actor,
            "lifted_at": datetime.now(UTC),
            "lift_reason": data.reason,
            "lift_document_reference": data.document_reference,
        },
    )
    if lifted is None:
        raise Conflict(f"Suspension {suspension_id} was lifted already.", slug="suspension-already-lifted")
    await audit.record(
        session=session,
        actor=actor,
        action="suspension.lifted",
        election_id=None,
        subject=f"suspension:{suspension_id}",
        details={
            **_audited(lifted),
            "lifted_on": data.effective_date.isoformat(),
            "reason": data.reason,
            "lift_document_reference": data.document_reference,
        },
    )
    return model(lifted)


async def get(*, reader: AsyncSession, read: RollRead, suspension_id: int) -> Suspension:
    row = await _existing(reader, suspension_id)
    await read.record(operation="elections_get_suspension", resident_codes=[row.resident_code])
    return model(row)


async def list_suspensions(
    *, session: AsyncSession, read: RollRead, resident_code: str | None, page: PageRequest
) -> Page[Suspension]:
    rows, token = await repository.page_of(session, resident_code, page)
    await read.record(
        operation="elections_list_suspensions", resident_codes=sorted({row.resident_code for row in rows})
    )
    return Page[Suspension](items=[model(row) for row in rows], next_page_token=token)


def mark(row: Any, polling_day: date) -> RollMark:
    period = period_of(row)
    code = SuspensionBasis(row.basis)
    return RollMark(
        kind=MARK_KIND,
        suspension_id=row.id,
        basis=code,
        article=basis(code).article,
        from_date=row.from_date,
        until_date=period.last_day,
        in_effect_on_polling_day=period.covers(polling_day),
        detail=describe(code, period, row.document_reference),
    )


async def marks_for(
    session: AsyncSession, election: Any, resident_codes: Collection[str]
) -> dict[str, list[RollMark]]:
    """The marks of these voters on the election's roll: every suspension of the vote that covers a
    day of its voting period."""
    first, last = voting_period(election.announcement_date, election.polling_day)
    marks: dict[str, list[RollMark]] = defaultdict(list)
    for row in await repository.of_vote_over(session, resident_codes, first, last):
        if period_of(row).overlaps(first, last):
            marks[row.resident_code].append(mark(row, election.polling_day))
    return marks


async def covering(session: AsyncSession, resident_code: str, day: date) -> int | None:
    """The id of a suspension of this person's vote that covers `day`, or None."""
    for row in await repository.of_vote_over(session, [resident_code], day, day):
        if period_of(row).covers(day):
            return int(row.id)
    return None


async def refusal(reader: Reader, suspension_id: int) -> UnprocessableContent:
    """The check-in refusal of a voter whose vote this suspension takes today, naming the reason."""
    row = await _existing(reader, suspension_id)
    code = SuspensionBasis(row.basis)
    return UnprocessableContent(
        describe(code, period_of(row), row.document_reference),
        slug="voting-rights-suspended",
        suspension_id=row.id,
        basis=code.value,
        article=basis(code).article,
    )
