"""The national list of local-government codes (全国地方公共団体コード), a copy of the ministry's list in
`data/local_government_codes.csv` (the registry keeps its own; a service never reads another's), read once.

It names municipalities in open data and tells which are designated cities and their wards."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from shared.local_governments import CodeListEntry, read_local_governments

DATA_FILE = Path(__file__).resolve().parent / "data" / "local_government_codes.csv"


@cache
def local_governments() -> dict[str, CodeListEntry]:
    return read_local_governments(DATA_FILE)


def full_name(code: str) -> str | None:
    """The official name of a code the list holds; None for a code created after the list's date."""
    government = local_governments().get(code)
    return None if government is None else government.full_name
