"""Which registered addresses count as urban, the origin a cooperator must have moved from.

The metropolitan-area prefectures are programme data (they are a fiscal-year rule); the list of
designated cities and their wards is reference data copied from the local-government code master
(see `data/designated_cities.csv` for its source).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "designated_cities.csv"


@dataclass(frozen=True, slots=True)
class DesignatedCity:
    code: str
    name: str
    kind: str
    """designated_city or designated_city_ward"""


@cache
def designated_cities() -> dict[str, DesignatedCity]:
    """Designated cities and their wards by local-government code."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["code"]: DesignatedCity(row["code"], row["name"], row["kind"]) for row in rows}


def urban_reason(
    municipality_code: str, *, urban_prefecture_codes: frozenset[str], designated_cities_are_urban: bool
) -> str | None:
    """Why a municipality is urban, or None when it is not."""
    prefecture = municipality_code[:2]
    if prefecture in urban_prefecture_codes:
        return f"{municipality_code} lies in prefecture {prefecture}, a metropolitan-area prefecture"
    city = designated_cities().get(municipality_code)
    if designated_cities_are_urban and city is not None:
        what = "a ward of a designated city" if city.kind == "designated_city_ward" else "a designated city"
        return f"{municipality_code} ({city.name}) is {what}"
    return None
