"""Public pre-election information: the election's contests with their candidates, its parties and
its polling stations with their hours, in Japanese or English."""

from __future__ import annotations

from collections import defaultdict
from datetime import time, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.public import labels, repository
from services.elections.results.service import covers
from services.elections.setup.service import require_election
from shared.contracts.elections import (
    ContestKind,
    Language,
    PublicCandidate,
    PublicContest,
    PublicElectionInformation,
    PublicParty,
    PublicPollingStation,
)


def _station(row: Row[Any], language: Language) -> PublicPollingStation:
    opens, closes = time.fromisoformat(row.opens_at), time.fromisoformat(row.closes_at)
    return PublicPollingStation(
        station_id=row.id,
        name=row.name,
        counting_district=row.counting_district,
        local_government_code=row.local_government_code,
        address_areas=list(row.address_areas),
        opens_at=opens,
        closes_at=closes,
        hours=labels.hours(opens, closes, language),
    )


async def information(
    *, session: AsyncSession, election_id: int, language: Language, local_government_code: str | None
) -> PublicElectionInformation:
    """Everything a voter reads before polling day; with a municipality, only its stations and the
    contests that cover it."""
    election = await require_election(session, election_id)
    areas: dict[int, list[str]] = defaultdict(list)
    for row in await repository.areas_of(session, election_id):
        areas[row.contest_id].append(row.local_government_code)
    party_rows = await repository.parties_of(session, election_id)
    party_names = {row.id: row.name for row in party_rows}
    standing: dict[int, list[PublicCandidate]] = defaultdict(list)
    for row in await repository.candidates_of(session, election_id):
        standing[row.contest_id].append(
            PublicCandidate(
                candidate_id=row.id,
                name=row.name,
                kana=row.kana,
                party_id=row.party_id,
                party=party_names.get(row.party_id) if row.party_id is not None else None,
                list_rank=row.list_rank,
                priority_rank=row.priority_rank,
                district_candidate_id=row.district_candidate_id,
            )
        )
    contests = [
        PublicContest(
            contest_id=row.id,
            name=row.name,
            kind=ContestKind(row.kind),
            kind_label=labels.KINDS[ContestKind(row.kind)][language],
            seats=row.seats,
            local_government_codes=areas[row.id],
            candidates=standing[row.id],
        )
        for row in await repository.contests_of(session, election_id)
        if local_government_code is None or covers(areas[row.id], local_government_code)
    ]
    stations = await repository.stations_of(session, election_id, local_government_code)
    return PublicElectionInformation(
        language=language,
        election_id=election.id,
        name=election.name,
        announcement_date=election.announcement_date,
        polling_day=election.polling_day,
        early_voting_from=election.announcement_date + timedelta(days=1),
        early_voting_to=election.polling_day - timedelta(days=1),
        labels=labels.SECTIONS[language],
        contests=contests,
        parties=[PublicParty(party_id=r.id, name=r.name, abbreviation=r.abbreviation) for r in party_rows],
        polling_stations=[_station(row, language) for row in stations],
    )
