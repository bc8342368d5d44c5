"""When a suspension takes the vote (pure): the bases as rule data, and the days a suspension covers.

A suspension runs from `from_date` to `until_date` inclusive (open-ended when null) unless it was lifted:
`lifted_on` is the first day with the vote again. A mark (表示, art. 27) is shown on an election's roll
for every suspension of the vote that covers a day of the election's voting period (the day after the
announcement to polling day); check-in refuses the voter on a day a suspension covers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from shared.contracts.elections import SuspensionBasis

BASES_FILE = Path(__file__).with_name("bases.toml")


@dataclass(frozen=True, slots=True)
class Basis:
    code: SuspensionBasis
    article: str
    title_ja: str
    suspends_voting: bool
    verified: bool


@cache
def bases() -> dict[SuspensionBasis, Basis]:
    data = tomllib.loads(BASES_FILE.read_text(encoding="utf-8"))
    return {
        SuspensionBasis(code): Basis(
            SuspensionBasis(code),
            item["article"],
            item["title_ja"],
            item["suspends_voting"],
            item["verified"],
        )
        for code, item in data.items()
    }


def basis(code: SuspensionBasis) -> Basis:
    return bases()[code]


@dataclass(frozen=True, slots=True)
class Period:
    """The days a suspension covers: `from_date` .. `until_date` (inclusive, None = open), cut short
    by `lifted_on` (the first day with the vote again)."""

    from_date: date
    until_date: date | None
    lifted_on: date | None = None

    @property
    def last_day(self) -> date | None:
        """The last day without the vote; None while open-ended."""
        ends = [d for d in (self.until_date, self.lifted_on and self.lifted_on - timedelta(days=1)) if d]
        return min(ends) if ends else None

    def covers(self, day: date) -> bool:
        last = self.last_day
        return self.from_date <= day and (last is None or day <= last)

    def overlaps(self, first: date, last: date) -> bool:
        end = self.last_day
        if end is not None and end < max(first, self.from_date):
            return False
        return self.from_date <= last


def voting_period(announcement_date: date, polling_day: date) -> tuple[date, date]:
    """The days anyone can vote in the election: early and absentee voting open the day after the
    announcement, polling day closes it."""
    return announcement_date + timedelta(days=1), polling_day


def describe(code: SuspensionBasis, period: Period, document_reference: str) -> str:
    """The reason a clerk reads out: basis, article, and until when."""
    rule = basis(code)
    last = period.last_day
    until = f"until {last.isoformat()}" if last is not None else "until further notice"
    return (
        f"Voting rights suspended under {rule.article} ({rule.title_ja}) from {period.from_date.isoformat()} "
        f"{until}; notice {document_reference}."
    )
