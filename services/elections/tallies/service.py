"""Entering tally sheets: where the sheet belongs, what it may name, and assessing the entries."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.results import repository as results_repository
from services.elections.setup import repository as setup_repository
from services.elections.setup.service import require_contest
from services.elections.tallies import repository
from services.elections.tallies.sheets import BALLOT_FIELDS, assess, normal_form
from shared.contracts.elections import ContestKind, SheetStatus, TallyEntryIn, TallySheet
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def sheet_model(row: Row[Any], clerks: list[str]) -> TallySheet:
    return TallySheet.model_validate({**row._mapping, "clerks": clerks, "counted_at": row.counted_at})


async def _check_selections(session: AsyncSession, contest: Row[Any], entry: TallyEntryIn) -> None:
    kind = ContestKind(contest.kind)
    candidates = {row.id: row for row in await setup_repository.candidates_of(session, contest.id)}
    listed_parties = {row.party_id for row in candidates.values() if row.party_id is not None}
    problems = []
    for selection in entry.votes:
        if selection.votes != selection.votes.to_integral_value():
            problems.append(
                "votes are whole ballots; fractional votes are computed from the ambiguous ballots"
            )
        if selection.candidate_id is not None:
            if selection.candidate_id not in candidates:
                problems.append(f"candidate {selection.candidate_id} does not stand in this contest")
            elif kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
                problems.append("House of Representatives proportional ballots name parties only")
        elif not kind.is_proportional:
            problems.append("party-name votes exist only in proportional contests")
        elif selection.party_id not in listed_parties:
            problems.append(f"party {selection.party_id} has no list in this contest")
    for group in entry.ambiguous:
        unknown = [c for c in group.candidate_ids if c not in candidates]
        if unknown:
            problems.append(f"ambiguous ballots name candidates not in this contest: {unknown}")
        if group.party_ids and not kind.is_proportional:
            problems.append("ambiguous party names exist only in proportional contests")
        elif unlisted := [p for p in group.party_ids if p not in listed_parties]:
            problems.append(f"ambiguous ballots name parties without a list in this contest: {unlisted}")
        if group.candidate_ids and kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
            problems.append("House of Representatives proportional ballots name parties only")
    if problems:
        raise UnprocessableContent(
            "; ".join(sorted(set(problems))) + ".", slug="invalid-tally", problems=sorted(set(problems))
        )


async def enter_tally(
    *, session: AsyncSession, clerk: str, contest_id: int, entry: TallyEntryIn
) -> TallySheet:
    contest = await require_contest(session, contest_id)
    certified = await results_repository.certification(session, contest_id) is not None
    # A certified result's tallies are frozen, unless an objection's ordered recount is open.
    if certified and not await results_repository.recount_open(session, contest_id):
        raise Conflict(
            "The result of this contest is certified; its tallies are frozen.", slug="result-certified"
        )
    if entry.station_id is not None:
        station = await setup_repository.get_station(session, entry.station_id)
        if station is None or station.election_id != contest.election_id:
            raise UnprocessableContent(
                f"Station {entry.station_id} is not part of this election.", slug="unknown-station"
            )
        district_id, unit_key = station.counting_district_id, f"station:{station.id}"
    else:
        assert entry.counting_district_id is not None
        district = await setup_repository.get_counting_district(session, entry.counting_district_id)
        if district is None or district.election_id != contest.election_id:
            raise UnprocessableContent(
                f"Counting district {entry.counting_district_id} is not part of this election.",
                slug="unknown-counting-district",
            )
        district_id, unit_key = district.id, f"district:{district.id}"
    await _check_selections(session, contest, entry)
    station_level = entry.station_id is not None
    if await repository.unit_taken(
        session, contest_id=contest_id, district_id=district_id, station_level=station_level
    ):
        raise Conflict(
            "This counting district is tallied "
            + ("as a whole" if station_level else "station by station")
            + "; it cannot be tallied both ways.",
            slug="tally-unit-conflict",
        )
    now = datetime.now(UTC)
    sheet = await repository.sheet_for_update(
        session,
        contest_id=contest_id,
        unit_key=unit_key,
        district_id=district_id,
        station_id=entry.station_id,
        now=now,
    )
    if sheet.status == SheetStatus.COUNTED and certified:
        # An ordered recount (the only way past the freeze above): two clerks enter the sheet anew.
        await repository.clear_entries(session, sheet.id)
    elif sheet.status == SheetStatus.COUNTED:
        raise Conflict(
            "This sheet already counts: both entries agreed and it reconciled.", slug="sheet-counted"
        )
    content = normal_form(entry)
    await repository.save_entry(session, sheet_id=sheet.id, clerk_id=clerk, content=content, now=now)
    state = assess(await repository.entries_of(session, sheet.id))
    values: dict[str, Any] = {
        "status": state.status.value,
        "differences": state.differences,
        "problems": state.problems,
        "counted_at": None,
        "valid_votes": None,
        **dict.fromkeys(BALLOT_FIELDS),
    }
    if state.agreed is not None:
        counts = {
            name.split(".", 1)[1]: Decimal(str(value))
            for name, value in state.agreed.items()
            if name.startswith("votes.")
        }
        counts.update(
            {
                name.replace(".", ":", 1): Decimal(value)
                for name, value in state.agreed.items()
                if name.startswith("ambiguous.")
            }
        )
        await repository.replace_counts(session, sheet.id, counts)
        values.update({name: state.agreed[name] for name in BALLOT_FIELDS})
        values["valid_votes"] = sum(counts.values(), Decimal(0))
        values["counted_at"] = now
    await repository.update_sheet(session, sheet.id, values)
    await audit.record(
        session=session,
        actor=clerk,
        action="tally.entered",
        election_id=contest.election_id,
        subject=f"tally_sheet:{sheet.id}",
        details={"contest_id": contest_id, "unit": unit_key, "entry": content, "status": state.status.value},
    )
    return await get_sheet(session=session, sheet_id=sheet.id)


async def list_sheets(
    *, session: AsyncSession, contest_id: int, status: SheetStatus | None, page: PageRequest
) -> Page[TallySheet]:
    rows, token = await repository.sheets_page(session, contest_id, status, page)
    if not rows:
        await require_contest(session, contest_id)
    clerks = await repository.clerks_of(session, [row.id for row in rows])
    return Page[TallySheet](items=[sheet_model(row, clerks[row.id]) for row in rows], next_page_token=token)


async def get_sheet(*, session: AsyncSession, sheet_id: int) -> TallySheet:
    row = await repository.get_sheet(session, sheet_id)
    if row is None:
        raise NotFound(f"No tally sheet {sheet_id}.", slug="tally-sheet-not-found")
    return sheet_model(row, (await repository.clerks_of(session, [sheet_id]))[sheet_id])
