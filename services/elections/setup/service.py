"""Setting up elections: validation that needs the database, and the audit trail of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.checkins import repository as checkin_repository
from services.elections.roll import assignment
from services.elections.setup import repository
from services.elections.setup.rules import (
    candidacy_problems,
    district_within_block,
    dual_candidacy_problems,
    polling_hours_problems,
    shared_rank_problem,
)
from services.elections.tables import elections
from shared.contracts.elections import (
    Candidate,
    CandidateIn,
    Contest,
    ContestIn,
    ContestKind,
    CountingDistrict,
    CountingDistrictIn,
    Election,
    ElectionIn,
    Party,
    PartyIn,
    PollingStation,
    PollingStationIn,
)
from shared.db.reads import Reader
from shared.values import fold_kana_for_matching
from shared.web.etag import check_if_match, update_versioned
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def election_model(row: Row[Any]) -> Election:
    return Election(
        id=row.id,
        name=row.name,
        announcement_date=row.announcement_date,
        polling_day=row.polling_day,
        reference_date=row.reference_date,
        early_voting_start_date=row.announcement_date + timedelta(days=1),
        early_voting_end_date=row.polling_day - timedelta(days=1),
        version=row.version,
        created_at=row.created_at,
    )


def contest_model(row: Row[Any], codes: list[str]) -> Contest:
    return Contest(
        id=row.id,
        election_id=row.election_id,
        name=row.name,
        kind=ContestKind(row.kind),
        seats=row.seats,
        local_government_codes=codes,
        created_at=row.created_at,
        version=row.version,
    )


def candidate_model(row: Row[Any]) -> Candidate:
    return Candidate.model_validate({**row._mapping, "created_at": row.created_at})


def station_model(row: Row[Any]) -> PollingStation:
    return PollingStation.model_validate(row._mapping)


def _existing(row: Row[Any] | None, detail: str, slug: str) -> Row[Any]:
    if row is None:
        raise NotFound(detail, slug=slug)
    return row


async def require_station(reader: Reader, station_id: int) -> Row[Any]:
    row = await repository.get_station(reader, station_id)
    return _existing(row, f"No polling station {station_id}.", "polling-station-not-found")


async def require_candidate(reader: Reader, candidate_id: int) -> Row[Any]:
    row = await repository.get_candidate(reader, candidate_id)
    return _existing(row, f"No candidate {candidate_id}.", "candidate-not-found")


async def require_election(reader: Reader, election_id: int) -> Row[Any]:
    row = await repository.get_election(reader, election_id)
    return _existing(row, f"No election {election_id}.", "election-not-found")


async def require_contest(session: AsyncSession, contest_id: int) -> Row[Any]:
    row = await repository.get_contest(session, contest_id)
    return _existing(row, f"No contest {contest_id}.", "contest-not-found")


async def get_election(*, reader: Reader, election_id: int) -> Election:
    return election_model(await require_election(reader, election_id))


async def list_elections(*, session: AsyncSession, page: PageRequest) -> Page[Election]:
    rows, token = await repository.elections_page(session, page)
    return Page[Election](items=[election_model(row) for row in rows], next_page_token=token)


async def list_counting_districts(
    *, session: AsyncSession, election_id: int, page: PageRequest
) -> Page[CountingDistrict]:
    rows, token = await repository.counting_districts_page(session, election_id, page)
    if not rows:
        await require_election(session, election_id)
    items = [CountingDistrict.model_validate(row._mapping) for row in rows]
    return Page[CountingDistrict](items=items, next_page_token=token)


async def list_polling_stations(
    *, session: AsyncSession, election_id: int, page: PageRequest
) -> Page[PollingStation]:
    rows, token = await repository.stations_page(session, election_id, page)
    if not rows:
        await require_election(session, election_id)
    return Page[PollingStation](items=[station_model(row) for row in rows], next_page_token=token)


async def get_polling_station(*, reader: Reader, station_id: int) -> PollingStation:
    return station_model(await require_station(reader, station_id))


async def list_parties(*, session: AsyncSession, election_id: int, page: PageRequest) -> Page[Party]:
    rows, token = await repository.parties_page(session, election_id, page)
    if not rows:
        await require_election(session, election_id)
    return Page[Party](items=[Party.model_validate(row._mapping) for row in rows], next_page_token=token)


async def list_candidates(*, session: AsyncSession, contest_id: int, page: PageRequest) -> Page[Candidate]:
    rows, token = await repository.candidates_page(session, contest_id, page)
    if not rows:
        await require_contest(session, contest_id)
    return Page[Candidate](items=[candidate_model(row) for row in rows], next_page_token=token)


async def get_candidate(*, reader: Reader, candidate_id: int) -> Candidate:
    return candidate_model(await require_candidate(reader, candidate_id))


async def create_election(*, session: AsyncSession, actor: str, data: ElectionIn) -> Election:
    now = datetime.now(UTC)
    reference = data.reference_date or data.announcement_date - timedelta(days=1)
    election_id = await repository.insert_election(
        session,
        name=data.name,
        announcement_date=data.announcement_date,
        polling_day=data.polling_day,
        reference_date=reference,
        now=now,
    )
    await audit.record(
        session=session,
        actor=actor,
        action="election.created",
        election_id=election_id,
        subject=f"election:{election_id}",
        details=data.model_dump(mode="json"),
    )
    row = await repository.get_election(session, election_id)
    assert row is not None
    return election_model(row)


async def replace_election(
    *, session: AsyncSession, actor: str, election_id: int, data: ElectionIn, if_match: str | None
) -> Election:
    """Correct an election's name or dates (If-Match required). Dates are frozen once anyone voted."""
    row = await require_election(session, election_id)
    check_if_match(if_match, row.version)
    reference = data.reference_date or data.announcement_date - timedelta(days=1)
    dates = {
        "announcement_date": data.announcement_date,
        "polling_day": data.polling_day,
        "reference_date": reference,
    }
    if any(getattr(row, k) != v for k, v in dates.items()) and await checkin_repository.any_for_election(
        session, election_id
    ):
        raise Conflict(
            "Voting has started: the election's dates can no longer change.", slug="voting-started"
        )
    await update_versioned(
        session,
        elections,
        elections.c.id == election_id,
        expected_version=row.version,
        values={"name": data.name, **dates},
    )
    await audit.record(
        session=session,
        actor=actor,
        action="election.updated",
        election_id=election_id,
        subject=f"election:{election_id}",
        details=data.model_dump(mode="json"),
    )
    updated = await repository.get_election(session, election_id)
    assert updated is not None
    return election_model(updated)


async def create_contest(*, session: AsyncSession, actor: str, election_id: int, data: ContestIn) -> Contest:
    await require_election(session, election_id)
    codes = sorted(data.local_government_codes)
    contest_id = await repository.insert_contest(
        session,
        election_id=election_id,
        name=data.name,
        kind=data.kind.value,
        seats=data.seats,
        codes=codes,
        now=datetime.now(UTC),
    )
    await audit.record(
        session=session,
        actor=actor,
        action="contest.created",
        election_id=election_id,
        subject=f"contest:{contest_id}",
        details=data.model_dump(mode="json"),
    )
    row = await repository.get_contest(session, contest_id)
    assert row is not None
    return contest_model(row, codes)


async def get_contest(*, reader: Reader, contest_id: int) -> Contest:
    found = await repository.contest_with_areas(reader, contest_id)
    if found is None:
        raise NotFound(f"No contest {contest_id}.", slug="contest-not-found")
    return contest_model(*found)


async def list_contests(*, session: AsyncSession, election_id: int) -> list[Contest]:
    await require_election(session, election_id)
    rows = await repository.contests_of(session, election_id)
    areas = await repository.areas_of(session, [row.id for row in rows])
    return [contest_model(row, areas[row.id]) for row in rows]


async def create_counting_district(
    *, session: AsyncSession, actor: str, election_id: int, data: CountingDistrictIn
) -> CountingDistrict:
    await require_election(session, election_id)
    district_id = await repository.insert_counting_district(
        session, election_id=election_id, name=data.name, code=data.local_government_code
    )
    await audit.record(
        session=session,
        actor=actor,
        action="counting_district.created",
        election_id=election_id,
        subject=f"counting_district:{district_id}",
        details=data.model_dump(mode="json"),
    )
    return CountingDistrict(id=district_id, election_id=election_id, **data.model_dump())


async def _station_district(
    session: AsyncSession, election_id: int, data: PollingStationIn, *, station_id: int | None
) -> Row[Any]:
    """The station's counting district, after checking its areas against the other stations'."""
    district = await repository.get_counting_district(session, data.counting_district_id)
    if district is None or district.election_id != election_id:
        raise UnprocessableContent(
            f"Counting district {data.counting_district_id} is not part of election {election_id}.",
            slug="unknown-counting-district",
        )
    if len(set(data.address_areas)) != len(data.address_areas):
        raise UnprocessableContent("A station lists each address area once.", slug="duplicate-address-area")
    taken = {
        area
        for other, areas in await repository.station_areas(
            session, election_id, district.local_government_code
        )
        if other != station_id
        for area in areas
    }
    overlap = sorted(taken & set(data.address_areas))
    if overlap:
        raise Conflict(
            "These address areas are already served by another station.",
            slug="address-area-taken",
            areas=overlap,
        )
    return district


def _polling_hours(data: PollingStationIn) -> tuple[str, str]:
    """The station's hours as stored ("HH:MM"), after checking them against art. 40."""
    problems = polling_hours_problems(data.opens_at, data.closes_at)
    if problems:
        raise UnprocessableContent("; ".join(problems) + ".", slug="invalid-polling-hours", problems=problems)
    return data.opens_at.strftime("%H:%M"), data.closes_at.strftime("%H:%M")


async def create_polling_station(
    *, session: AsyncSession, actor: str, election_id: int, data: PollingStationIn
) -> PollingStation:
    await require_election(session, election_id)
    hours = _polling_hours(data)
    district = await _station_district(session, election_id, data, station_id=None)
    station_id = await repository.insert_station(
        session,
        election_id=election_id,
        district_id=district.id,
        name=data.name,
        code=district.local_government_code,
        areas=list(data.address_areas),
        hours=hours,
    )
    moved = await assignment.reassign_stations(
        session=session,
        election_id=election_id,
        municipality=district.local_government_code,
        areas=list(data.address_areas),
    )
    await audit.record(
        session=session,
        actor=actor,
        action="polling_station.created",
        election_id=election_id,
        subject=f"polling_station:{station_id}",
        details={**data.model_dump(mode="json"), "voters_assigned": moved},
    )
    return station_model(await require_station(session, station_id))


async def create_party(*, session: AsyncSession, actor: str, election_id: int, data: PartyIn) -> Party:
    await require_election(session, election_id)
    party_id = await repository.insert_party(
        session, election_id=election_id, name=data.name, abbreviation=data.abbreviation
    )
    await audit.record(
        session=session,
        actor=actor,
        action="party.created",
        election_id=election_id,
        subject=f"party:{party_id}",
        details=data.model_dump(mode="json"),
    )
    return Party(id=party_id, election_id=election_id, **data.model_dump())


async def _candidacy_key(
    session: AsyncSession, contest_id: int, data: CandidateIn, *, candidate_id: int | None
) -> str:
    """The candidacy's person key, after checking it against the law and the other candidacies."""
    contest = await require_contest(session, contest_id)
    election = await require_election(session, contest.election_id)
    if data.party_id is not None:
        party = await repository.get_party(session, data.party_id)
        if party is None or party.election_id != election.id:
            raise UnprocessableContent(
                f"Party {data.party_id} is not part of this election.", slug="unknown-party"
            )
    problems = candidacy_problems(
        kind=ContestKind(contest.kind),
        polling_day=election.polling_day,
        birth_date=data.birth_date,
        party_id=data.party_id,
        list_rank=data.list_rank,
        priority_rank=data.priority_rank,
    )
    person_key = f"{fold_kana_for_matching(data.kana)}|{data.birth_date.isoformat()}"
    if candidate_id is not None and (entry := await repository.list_entry_for(session, candidate_id)):
        listed_key = f"{fold_kana_for_matching(entry.kana)}|{entry.birth_date.isoformat()}"
        if entry.party_id != data.party_id or listed_key != person_key:
            problems.append(
                "this candidacy is also on a House of Representatives list (重複立候補): "
                "its party and person stay those of the list entry"
            )
    if data.district_candidate_id is not None:
        district = await repository.get_candidate(session, data.district_candidate_id)
        if district is None or district.election_id != election.id:
            raise UnprocessableContent(
                f"Candidate {data.district_candidate_id} does not stand in this election.",
                slug="unknown-candidate",
            )
        district_contest = await require_contest(session, district.contest_id)
        problems += dual_candidacy_problems(
            kind=ContestKind(contest.kind),
            party_id=data.party_id,
            person_key=person_key,
            district_kind=ContestKind(district_contest.kind),
            district_party_id=district.party_id,
            district_person_key=district.person_key,
        )
        areas = await repository.areas_of(session, [contest.id, district_contest.id])
        if not district_within_block(
            block_areas=areas[contest.id], district_areas=areas[district_contest.id]
        ):
            problems.append(
                "a dual candidate's single-member district lies within the block's prefectures (art. 86-2)"
            )
        # The person keeps the district candidacy's key; the list entry is keyed by that candidacy.
        person_key = f"dual:{district.id}"
    if problems:
        raise UnprocessableContent("; ".join(problems) + ".", slug="invalid-candidacy", problems=problems)
    if data.list_rank is not None and data.party_id is not None:
        others = await repository.dual_flags_at_rank(
            session, contest_id, data.party_id, data.list_rank, other_than=candidate_id
        )
        shared = shared_rank_problem(dual=data.district_candidate_id is not None, others_dual=others)
        if shared is not None:
            raise Conflict(f"The list position is taken: {shared}.", slug="duplicate-candidacy")
    if await repository.person_key_taken(session, election.id, person_key, other_than=candidate_id):
        raise Conflict("This person already stands in this election.", slug="duplicate-candidacy")
    return person_key


async def create_candidate(
    *, session: AsyncSession, actor: str, contest_id: int, data: CandidateIn
) -> Candidate:
    contest = await require_contest(session, contest_id)
    person_key = await _candidacy_key(session, contest_id, data, candidate_id=None)
    candidate_id = await repository.insert_candidate(
        session,
        {
            **data.model_dump(),
            "election_id": contest.election_id,
            "contest_id": contest_id,
            "person_key": person_key,
            "created_at": datetime.now(UTC),
        },
    )
    await audit.record(
        session=session,
        actor=actor,
        action="candidate.created",
        election_id=contest.election_id,
        subject=f"candidate:{candidate_id}",
        details=data.model_dump(mode="json"),
    )
    row = await repository.get_candidate(session, candidate_id)
    assert row is not None
    return candidate_model(row)


async def replace_contest(
    *, session: AsyncSession, actor: str, contest_id: int, data: ContestIn, if_match: str | None
) -> Contest:
    """Correct a contest (If-Match required); frozen once tally sheets exist, since they count by it."""
    row = await require_contest(session, contest_id)
    check_if_match(if_match, row.version)
    if await repository.contest_has_tallies(session, contest_id):
        raise Conflict(
            "Tally sheets exist for this contest: it can no longer change.", slug="tallies-entered"
        )
    if data.kind.value != row.kind and await repository.candidates_of(session, contest_id):
        raise Conflict(
            "The contest has candidates, whose candidacy depends on its kind: it cannot change kind.",
            slug="contest-has-candidates",
        )
    await repository.update_contest(
        session,
        row,
        values={"name": data.name, "kind": data.kind.value, "seats": data.seats},
        codes=sorted(data.local_government_codes),
    )
    await audit.record(
        session=session,
        actor=actor,
        action="contest.updated",
        election_id=row.election_id,
        subject=f"contest:{contest_id}",
        details=data.model_dump(mode="json"),
    )
    return await get_contest(reader=session, contest_id=contest_id)


async def replace_polling_station(
    *, session: AsyncSession, actor: str, station_id: int, data: PollingStationIn, if_match: str | None
) -> PollingStation:
    """Correct a station (If-Match required); its voters are reassigned by the new address areas."""
    row = await require_station(session, station_id)
    check_if_match(if_match, row.version)
    district = await _station_district(session, row.election_id, data, station_id=station_id)
    if district.local_government_code != row.local_government_code:
        raise UnprocessableContent(
            "A station stays in its municipality: choose a counting district of "
            f"{row.local_government_code}, or add a new station.",
            slug="station-municipality-fixed",
        )
    await repository.update_station(
        session,
        row,
        values={
            "name": data.name,
            "counting_district_id": district.id,
            "address_areas": list(data.address_areas),
            **dict(zip(("opens_at", "closes_at"), _polling_hours(data), strict=True)),
        },
    )
    moved = await assignment.reassign_stations(
        session=session,
        election_id=row.election_id,
        municipality=row.local_government_code,
        areas=sorted({*row.address_areas, *data.address_areas}),
    )
    await audit.record(
        session=session,
        actor=actor,
        action="polling_station.updated",
        election_id=row.election_id,
        subject=f"polling_station:{station_id}",
        details={**data.model_dump(mode="json"), "voters_reassigned": moved},
    )
    return station_model(await require_station(session, station_id))


async def replace_candidate(
    *, session: AsyncSession, actor: str, candidate_id: int, data: CandidateIn, if_match: str | None
) -> Candidate:
    """Correct a candidacy (If-Match required) under the same rules as registering it; frozen once
    the contest's result is certified."""
    row = await require_candidate(session, candidate_id)
    check_if_match(if_match, row.version)
    if await repository.contest_is_certified(session, row.contest_id):
        raise Conflict(
            "The contest's result is certified: its candidates are frozen.", slug="result-certified"
        )
    person_key = await _candidacy_key(session, row.contest_id, data, candidate_id=candidate_id)
    await repository.update_candidate(session, row, values={**data.model_dump(), "person_key": person_key})
    await audit.record(
        session=session,
        actor=actor,
        action="candidate.updated",
        election_id=row.election_id,
        subject=f"candidate:{candidate_id}",
        details=data.model_dump(mode="json"),
    )
    return candidate_model(await require_candidate(session, candidate_id))
