"""The copy of the designated cities must match the code master it was copied from."""

from __future__ import annotations

import csv
from pathlib import Path

from services.revitalization.eligibility.urban_areas import designated_cities, urban_reason

MASTER = Path(__file__).resolve().parents[3] / "services" / "registry" / "data" / "local_government_codes.csv"


def test_copy_matches_the_code_master() -> None:
    with MASTER.open(encoding="utf-8", newline="") as handle:
        expected = {
            row["code"]: (row["name"], row["kind"])
            for row in csv.DictReader(handle)
            if row["kind"] in ("designated_city", "designated_city_ward")
        }
    assert {code: (c.name, c.kind) for code, c in designated_cities().items()} == expected
    assert sum(1 for c in designated_cities().values() if c.kind == "designated_city") == 20


def test_urban_reasons() -> None:
    metro = frozenset({"13"})
    assert "metropolitan" in (
        urban_reason("131016", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert "designated city" in (
        urban_reason("041009", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert "ward" in (
        urban_reason("011011", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert urban_reason("041009", urban_prefecture_codes=metro, designated_cities_are_urban=False) is None
    assert urban_reason("032018", urban_prefecture_codes=metro, designated_cities_are_urban=True) is None
