"""Names of prefectures and municipalities by local-government code, from the ministry's list.

The funds service keeps its own copy of the list (`data/local_government_codes.csv`, as of
2018-10-01): a published address is the prefecture plus the municipality of this list, never
more, so an address can only leave the service cut at the municipality.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from shared.local_governments import CodeListEntry, read_local_governments

_CSV: Final = Path(__file__).parent / "data" / "local_government_codes.csv"


@cache
def _by_code() -> dict[str, CodeListEntry]:
    return read_local_governments(_CSV)


@cache
def _prefectures() -> dict[str, str]:
    return {code[:2]: entry.prefecture for code, entry in _by_code().items()}


def municipality(code: str) -> CodeListEntry | None:
    return _by_code().get(code)


def prefecture_name(prefecture_code: str) -> str | None:
    return _prefectures().get(prefecture_code)


def published_address(code: str | None) -> str | None:
    """Prefecture and municipality of a code; a code unknown to the list gives the prefecture only."""
    if code is None:
        return None
    entry = municipality(code)
    if entry is not None:
        return entry.prefecture + entry.name
    return prefecture_name(code[:2])
