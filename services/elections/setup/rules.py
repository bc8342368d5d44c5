"""Pure rules of setting up an election: candidacy ages, list fields per kind, station areas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time

from services.elections.roll.eligibility import attains_age_on
from shared.contracts.elections.common import ContestKind

# Age to stand (被選挙権, art. 10), reached by polling day.
CANDIDACY_AGE: dict[ContestKind, int] = {
    ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT: 25,
    ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL: 25,
    ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT: 30,
    ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL: 30,
    ContestKind.GOVERNOR: 30,
    ContestKind.MAYOR: 25,
    ContestKind.PREFECTURAL_ASSEMBLY: 25,
    ContestKind.MUNICIPAL_ASSEMBLY: 25,
}


def candidacy_problems(
    *,
    kind: ContestKind,
    polling_day: date,
    birth_date: date,
    party_id: int | None,
    list_rank: int | None,
    priority_rank: int | None,
) -> list[str]:
    """What is wrong with a candidacy in a contest of this kind (empty when nothing is)."""
    problems = []
    age = CANDIDACY_AGE[kind]
    if attains_age_on(birth_date, age) > polling_day:
        problems.append(f"a candidate in a {kind.value} contest must be {age} or older on polling day")
    if kind.is_proportional and party_id is None:
        problems.append("a proportional-list candidate stands for a party")
    if kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
        if list_rank is None:
            problems.append("a House of Representatives list candidate needs a list_rank")
        if priority_rank is not None:
            problems.append("priority_rank (特定枠) exists only in the House of Councillors national block")
    elif kind == ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL:
        if list_rank is not None:
            problems.append("the House of Councillors national block has no ranked list; use priority_rank")
    elif list_rank is not None or priority_rank is not None:
        problems.append(f"a {kind.value} contest has no party lists")
    return problems


def dual_candidacy_problems(
    *,
    kind: ContestKind,
    party_id: int | None,
    person_key: str,
    district_kind: ContestKind,
    district_party_id: int | None,
    district_person_key: str,
) -> list[str]:
    """A list entry naming a single-member district candidacy (重複立候補, art. 86-2 para. 4): the
    same person, standing there for the party whose list this is."""
    problems = []
    if kind != ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
        problems.append("only a House of Representatives list entry names a district candidacy")
    if district_kind != ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT:
        problems.append("district_candidate_id must be a House of Representatives single-member candidacy")
    if district_party_id != party_id:
        problems.append("a dual candidate stands in the district for the party whose list this is")
    if district_person_key != person_key:
        problems.append("a dual candidacy names the same person (kana and birth date) as the district one")
    return problems


def district_within_block(*, block_areas: Sequence[str], district_areas: Sequence[str]) -> bool:
    """Every area of the district lies in the block: named there, or in a prefecture the block names
    (a block is made of whole prefectures, art. 13 para. 2 and its annexed table 2)."""
    prefectures = {code[:2] for code in block_areas if code[2:5] == "000"}
    return bool(district_areas) and all(
        code in block_areas or code[:2] in prefectures for code in district_areas
    )


# Polling hours (art. 40, text read in a press quotation of the statute): open at 07:00 and close at
# 20:00; the municipal commission may move the opening by up to two hours either way and bring the
# closing forward by up to four hours.
POLLING_HOURS_ARTICLE = "公職選挙法 art. 40"
OPENS_BETWEEN = (time(5, 0), time(9, 0))
CLOSES_BETWEEN = (time(16, 0), time(20, 0))


def polling_hours_problems(opens_at: time, closes_at: time) -> list[str]:
    problems = []
    if opens_at.second or opens_at.microsecond or closes_at.second or closes_at.microsecond:
        problems.append("polling hours are whole minutes")
    if not OPENS_BETWEEN[0] <= opens_at <= OPENS_BETWEEN[1]:
        problems.append(f"a station opens between 05:00 and 09:00 ({POLLING_HOURS_ARTICLE})")
    if not CLOSES_BETWEEN[0] <= closes_at <= CLOSES_BETWEEN[1]:
        problems.append(f"a station closes between 16:00 and 20:00 ({POLLING_HOURS_ARTICLE})")
    return problems


def shared_rank_problem(*, dual: bool, others_dual: Sequence[bool]) -> str | None:
    """Only dual candidates may share a list rank (art. 86-2 para. 6)."""
    if others_dual and not (dual and all(others_dual)):
        return "only candidates also standing in a single-member district may share a list_rank"
    return None


class StationIndex:
    """Address area → station, for assigning voters: the longest area that prefixes the address
    wins, found with one dictionary probe per prefix length (areas are unique per municipality)."""

    def __init__(self, stations: Iterable[tuple[int, Sequence[str]]]) -> None:
        self._by_area: dict[str, int] = {}
        for station_id, areas in sorted(stations):
            for area in areas:
                self._by_area.setdefault(area, station_id)
        self._longest = max((len(area) for area in self._by_area), default=0)

    def station_for(self, address: str | None) -> int | None:
        if not address:
            return None
        for length in range(min(len(address), self._longest), 0, -1):
            station_id = self._by_area.get(address[:length])
            if station_id is not None:
                return station_id
        return None


def station_for(address: str | None, stations: Iterable[tuple[int, Sequence[str]]]) -> int | None:
    return StationIndex(stations).station_for(address)
