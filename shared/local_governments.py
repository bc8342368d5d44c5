"""Reading the ministry's national list of local-government codes (全国地方公共団体コード).

Each service that needs names ships its own copy of the list (a service never reads another's
files); this reads any copy of it, in the columns the list has: code, prefecture, name, kind.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CodeListEntry:
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


def read_local_governments(path: Path) -> dict[str, CodeListEntry]:
    """Every row of a copy of the list, by code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: CodeListEntry(row["code"], row["prefecture"], row["name"], row["kind"])
            for row in csv.DictReader(handle)
        }
