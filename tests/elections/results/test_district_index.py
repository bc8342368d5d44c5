"""A contest's counting districts found through the election's index agree with the district's own test
of membership (a listed municipality, or a valid municipality of a prefecture listed whole), in the
election's order."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from services.elections.results.service import DistrictIndex, covers

# Chiyoda, Chuo, Minato (Tokyo), Sapporo Chuo (Hokkaido), a code whose check digit is wrong, and Chiyoda
# again (a second counting district of the same municipality).
CODES = ["131016", "131024", "131032", "011011", "131017", "131016"]


def _rows() -> list[Any]:
    return [SimpleNamespace(id=n, local_government_code=code) for n, code in enumerate(CODES)]


def test_the_index_finds_what_the_district_covers() -> None:
    rows = _rows()
    index = DistrictIndex(rows)
    for areas in (["131016"], ["130001"], ["131024", "011011"], ["010006", "131032"], ["131017"], []):
        expected = [row for row in rows if covers(areas, row.local_government_code)]
        assert index.within(areas) == expected, areas


def test_hand_computed_cases() -> None:
    index = DistrictIndex(_rows())
    assert [row.id for row in index.within(["130001"])] == [0, 1, 2, 5]  # not the bad check digit
    assert [row.id for row in index.within(["131017"])] == [4]  # listed by itself, it is that code
    assert [row.id for row in index.within(["011011", "131016"])] == [0, 3, 5]  # the election's order
