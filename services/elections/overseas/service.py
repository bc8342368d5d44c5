"""Applications to the overseas roll, its entries and their review, and votes from abroad."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.checkins import service as checkins
from services.elections.overseas import repository
from services.elections.overseas.rules import Decision, Emigrant, decide, is_national, review, roll_number
from services.elections.overseas.source import EmigrationSource, read_emigrant
from services.elections.roll import repository as roll_repository
from services.elections.roll.readlog import RollRead
from services.elections.setup.service import require_election
from services.elections.suspensions import service as suspensions
from services.elections.suspensions.rules import voting_period
from services.elections.turnout.figures import percent
from shared.contracts.elections import (
    CheckIn,
    OverseasApplication,
    OverseasApplicationIn,
    OverseasApplicationState,
    OverseasChannel,
    OverseasEntry,
    OverseasTurnout,
    OverseasVoteIn,
    OverseasVotingMethod,
)
from shared.values import JST
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent

NUMBERING_ATTEMPTS = 5


def _today() -> date:
    return datetime.now(JST).date()


def application_model(row: Row[Any]) -> OverseasApplication:
    return OverseasApplication.model_validate({**row._mapping, "decided_at": row.decided_at})


def entry_model(row: Row[Any]) -> OverseasEntry:
    return OverseasEntry.model_validate(
        {**row._mapping, "roll_number": roll_number(row.local_government_code, row.number)}
    )


async def _emigrant(source: EmigrationSource, resident_code: str) -> Emigrant:
    emigrant = await read_emigrant(source, resident_code)
    if emigrant is None:
        raise NotFound(
            "The registry does not show this resident to the elections service.", slug="resident-not-found"
        )
    return emigrant


async def apply(
    *, session: AsyncSession, source: EmigrationSource, actor: str, data: OverseasApplicationIn
) -> OverseasApplication:
    emigrant = await _emigrant(source, data.resident_code)
    row = await repository.add_application(
        session,
        {
            **data.model_dump(),
            "channel": data.channel.value,
            "applied_on": _today(),
            "state": OverseasApplicationState.PENDING.value,
            "reasons": [],
            "recorded_by": actor,
        },
    )
    return application_model(await _decided(session, actor, row, emigrant))


async def redecide(
    *, session: AsyncSession, source: EmigrationSource, actor: str, application_id: int
) -> OverseasApplication:
    row = await _application(session, application_id)
    if row.state != OverseasApplicationState.PENDING.value:
        raise Conflict(
            f"The application was {row.state} already.", slug="application-decided", state=row.state
        )
    emigrant = await _emigrant(source, row.resident_code)
    return application_model(await _decided(session, actor, row, emigrant))


async def _application(reader: AsyncSession, application_id: int) -> Row[Any]:
    row = await repository.get_application(reader, application_id)
    if row is None:
        raise NotFound(f"No overseas application {application_id}.", slug="overseas-application-not-found")
    return row


async def _decided(session: AsyncSession, actor: str, row: Row[Any], emigrant: Emigrant) -> Row[Any]:
    standing = await repository.standing_entry(session, row.resident_code)
    registered_as = roll_number(standing.local_government_code, standing.number) if standing else None
    decision = decide(
        OverseasChannel(row.channel), row.abroad_since, emigrant, _today(), registered_as=registered_as
    )
    entry = None
    if decision.state == OverseasApplicationState.REGISTERED:
        entry = await _register(session, row, emigrant)
        if entry is None:  # registered by another request in between: refused as already on the roll
            return await _decided(session, actor, row, emigrant)
    updated = await repository.update_application(
        session, row.id, _decision_values(decision, emigrant, entry)
    )
    await audit.record(
        session=session,
        actor=actor,
        action=f"overseas.{decision.state.value}",
        election_id=None,
        subject=f"overseas_application:{row.id}",
        details={
            "resident_code": row.resident_code,
            "channel": row.channel,
            "mission": row.mission,
            "failed": [r.code.value for r in decision.reasons if not r.satisfied],
            "entry_id": entry.id if entry else None,
            "roll_number": roll_number(entry.local_government_code, entry.number) if entry else None,
        },
    )
    return updated


def _decision_values(decision: Decision, emigrant: Emigrant, entry: Row[Any] | None) -> dict[str, Any]:
    return {
        "state": decision.state.value,
        "reasons": [
            {"code": r.code.value, "satisfied": r.satisfied, "detail": r.detail} for r in decision.reasons
        ],
        "local_government_code": emigrant.last_municipality,
        "registrable_on": decision.registrable_on,
        "entry_id": entry.id if entry else None,
        "decided_at": datetime.now(UTC) if decision.state != OverseasApplicationState.PENDING else None,
    }


async def _register(session: AsyncSession, application: Row[Any], emigrant: Emigrant) -> Row[Any] | None:
    """A new entry on the last municipality's overseas roll with its next number; None when the person got
    a standing entry meanwhile. A number taken by a concurrent registration is retried. Runs before the
    transaction's one audit record, so a writer waiting here for a number holds no audit lane."""
    assert emigrant.last_municipality is not None
    assert emigrant.birth_date is not None
    resident = application.resident_code
    for _ in range(NUMBERING_ATTEMPTS):
        number = await repository.next_number(session, emigrant.last_municipality)
        row = await repository.add_entry_unless_taken(
            session,
            {
                "local_government_code": emigrant.last_municipality,
                "number": number,
                "resident_code": resident,
                "active_resident_code": resident,
                "sex": emigrant.sex,
                "birth_date": emigrant.birth_date,
                "country_code": application.country_code,
                "channel": application.channel,
                "registered_on": _today(),
                "application_id": application.id,
            },
        )
        if row is not None:
            return row
        if await repository.standing_entry(session, resident) is not None:
            return None
    raise Conflict("The overseas roll is busy; nothing was changed, retry.", slug="overseas-roll-busy")


async def _entry(reader: AsyncSession, entry_id: int) -> Row[Any]:
    row = await repository.get_entry(reader, entry_id)
    if row is None:
        raise NotFound(f"No overseas roll entry {entry_id}.", slug="overseas-entry-not-found")
    return row


async def review_entry(
    *, session: AsyncSession, source: EmigrationSource, actor: str, entry_id: int
) -> OverseasEntry:
    """Re-reads the registry: removes the entry on death, loss of nationality or four months after a
    return to Japan (art. 30-11(1)(i), (ii)); marks a return (art. 30-10); audited when it changes."""
    row = await _entry(session, entry_id)
    if row.removed_on is not None:
        raise Conflict(f"Entry {entry_id} was removed on {row.removed_on}.", slug="overseas-entry-removed")
    found = review(await _emigrant(source, row.resident_code), _today())
    values: dict[str, Any] = {}
    if found.returned_on != row.returned_on:
        values["returned_on"] = found.returned_on
    if found.removal is not None:
        values |= {
            "removed_on": _today(),
            "removal_reason": found.removal.value,
            "active_resident_code": None,
        }
    if not values:
        return entry_model(row)
    updated = await repository.update_entry(session, entry_id, values)
    await audit.record(
        session=session,
        actor=actor,
        action="overseas.entry_removed" if found.removal else "overseas.entry_marked",
        election_id=None,
        subject=f"overseas_entry:{entry_id}",
        details={
            "resident_code": row.resident_code,
            "removal_reason": found.removal.value if found.removal else None,
            "returned_on": found.returned_on.isoformat() if found.returned_on else None,
        },
    )
    return entry_model(updated)


async def get_application(
    *, reader: AsyncSession, read: RollRead, application_id: int
) -> OverseasApplication:
    row = await _application(reader, application_id)
    await read.record(operation="elections_get_overseas_application", resident_codes=[row.resident_code])
    return application_model(row)


async def get_entry(*, reader: AsyncSession, read: RollRead, entry_id: int) -> OverseasEntry:
    row = await _entry(reader, entry_id)
    await read.record(operation="elections_get_overseas_entry", resident_codes=[row.resident_code])
    return entry_model(row)


async def list_entries(
    *, session: AsyncSession, read: RollRead, local_government_code: str | None, page: PageRequest
) -> Page[OverseasEntry]:
    rows, token = await repository.entries_page(session, local_government_code, page)
    await read.record(
        operation="elections_list_overseas_entries",
        resident_codes=sorted({row.resident_code for row in rows}),
    )
    return Page[OverseasEntry](items=[entry_model(row) for row in rows], next_page_token=token)


async def vote(*, session: AsyncSession, clerk: str, election_id: int, data: OverseasVoteIn) -> CheckIn:
    """A vote from the overseas roll: national elections only, from the day after the announcement to
    polling day, once per election (the same one-vote insert as every check-in)."""
    election = await require_election(session, election_id)
    if not is_national(await repository.contest_kinds(session, election_id)):
        raise UnprocessableContent(
            "Overseas voters vote in elections of the House of Representatives and the House of Councillors "
            "only.",
            slug="not-a-national-election",
        )
    first, last = voting_period(election.announcement_date, election.polling_day)
    today = _today()
    if not first <= today <= last:
        raise UnprocessableContent(f"Overseas voting is open from {first} to {last}.", slug="voting-closed")
    entry = await repository.standing_entry(session, data.resident_code)
    if entry is None or entry.local_government_code not in await roll_repository.municipalities_of(
        session, election_id
    ):
        raise UnprocessableContent(
            "This person is not on the overseas roll of a municipality of this election.",
            slug="not-on-overseas-roll",
        )
    suspended = await suspensions.covering(session, data.resident_code, today)
    if suspended is not None:
        raise await suspensions.refusal(session, suspended)
    return await checkins.record_overseas_vote(
        session=session,
        clerk=clerk,
        election_id=election_id,
        resident_code=data.resident_code,
        method=data.method,
    )


async def by_municipality(
    session: AsyncSession, election: Any
) -> tuple[dict[str, int], dict[str, int]] | None:
    """The overseas roll's electors on polling day and its voters, per municipality of the election's roll;
    None when the election has no national contest (the overseas roll votes in national elections only)."""
    if not is_national(await repository.contest_kinds(session, election.id)):
        return None
    codes = await roll_repository.municipalities_of(session, election.id)
    return (
        await repository.electors_by_municipality(session, codes, election.polling_day),
        await repository.voters_by_municipality(session, election.id, codes),
    )


async def turnout(
    session: AsyncSession, election: Any, codes: Sequence[str] | None
) -> OverseasTurnout | None:
    """The overseas roll's figures for these municipalities (all of the election's when None); None when
    the election has no national contest."""
    if not is_national(await repository.contest_kinds(session, election.id)):
        return None
    if codes is None:
        codes = await roll_repository.municipalities_of(session, election.id)
    electors = await repository.electors(session, codes, election.polling_day)
    by_method = {method.value: 0 for method in OverseasVotingMethod}
    for row in await repository.voters_by_method(session, election.id, codes):
        by_method[row.overseas_method] += row.n
    voters = sum(by_method.values())
    return OverseasTurnout(
        electors=electors, voters=voters, turnout_percent=percent(voters, electors), by_method=by_method
    )
