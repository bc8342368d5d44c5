"""Pure setup rules: candidacy ages and list fields by kind, station assignment by address area."""

from __future__ import annotations

from datetime import date

import pytest

from services.elections.setup.rules import StationIndex, candidacy_problems, station_for
from shared.contracts.elections import ContestKind as K

POLLING = date(2026, 7, 5)


@pytest.mark.parametrize(
    ("kind", "birth", "ok"),
    [
        (K.MAYOR, date(2001, 7, 6), True),  # 25 the day before the birthday
        (K.MAYOR, date(2001, 7, 7), False),
        (K.GOVERNOR, date(1996, 7, 6), True),
        (K.GOVERNOR, date(1996, 7, 7), False),
        (K.HOUSE_OF_COUNCILLORS_DISTRICT, date(1997, 1, 1), False),
        (K.MUNICIPAL_ASSEMBLY, date(2001, 7, 6), True),
    ],
)
def test_candidacy_age(kind: K, birth: date, ok: bool) -> None:
    problems = candidacy_problems(
        kind=kind, polling_day=POLLING, birth_date=birth, party_id=None, list_rank=None, priority_rank=None
    )
    assert (problems == []) is ok


@pytest.mark.parametrize(
    ("kind", "party", "list_rank", "priority", "count"),
    [
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, 1, 1, None, 0),
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, 1, None, None, 1),
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, 1, 1, 1, 1),
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, None, 1, None, 1),
        (K.HOUSE_OF_COUNCILLORS_NATIONAL, 1, None, None, 0),
        (K.HOUSE_OF_COUNCILLORS_NATIONAL, 1, None, 1, 0),
        (K.HOUSE_OF_COUNCILLORS_NATIONAL, 1, 1, None, 1),
        (K.MAYOR, None, None, 1, 1),
        (K.MAYOR, 1, None, None, 0),
    ],
)
def test_list_fields_by_kind(
    kind: K, party: int | None, list_rank: int | None, priority: int | None, count: int
) -> None:
    problems = candidacy_problems(
        kind=kind,
        polling_day=POLLING,
        birth_date=date(1970, 1, 1),
        party_id=party,
        list_rank=list_rank,
        priority_rank=priority,
    )
    assert len(problems) == count


STATIONS = [(1, ["丸の内"]), (2, ["丸の内1丁目", "大手町"]), (3, ["丸の内1丁目3"])]


@pytest.mark.parametrize(
    ("address", "station"),
    [
        ("丸の内1丁目3番地", 3),
        ("丸の内1丁目1番地", 2),
        ("丸の内2丁目", 1),
        ("大手町1-1", 2),
        ("神田", None),
        ("", None),
        (None, None),
    ],
)
def test_longest_area_wins(address: str | None, station: int | None) -> None:
    assert station_for(address, STATIONS) == station
    assert StationIndex([]).station_for(address) is None


def test_a_district_lies_within_a_block_of_whole_prefectures() -> None:
    from services.elections.setup.rules import district_within_block

    tokyo_block = ["130001"]
    assert district_within_block(block_areas=tokyo_block, district_areas=["131016", "131024"])
    assert not district_within_block(block_areas=tokyo_block, district_areas=["131016", "271004"])
    assert not district_within_block(block_areas=tokyo_block, district_areas=[])
    # A block named by municipalities covers exactly those.
    assert district_within_block(block_areas=["131016"], district_areas=["131016"])
    assert not district_within_block(block_areas=["131016"], district_areas=["131024"])
