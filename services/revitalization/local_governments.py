"""The national list of local-government codes (全国地方公共団体コード), a copy of the ministry's list in
`data/local_government_codes.csv` (the registry keeps its own; a service never reads another's), read once.

It names municipalities in open data and tells which are designated cities and their wards."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "local_government_codes.csv"


@dataclass(frozen=True, slots=True)
class LocalGovernment:
    code: str
    prefecture: str
    name: str
    """Empty for a prefecture's own row."""
    kind: str
    """prefecture, municipality, designated_city, special_ward or designated_city_ward"""

    @property
    def full_name(self) -> str:
        """The name with its prefecture (北海道伊達市, 福島県伊達市): names repeat across prefectures."""
        return self.prefecture + self.name


@cache
def local_governments() -> dict[str, LocalGovernment]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: LocalGovernment(row["code"], row["prefecture"], row["name"], row["kind"])
            for row in csv.DictReader(handle)
        }


def full_name(code: str) -> str | None:
    """The official name of a code the list holds; None for a code created after the list's date."""
    government = local_governments().get(code)
    return None if government is None else government.full_name
