"""Where residence histories come from: the registry over HTTP in production, a table in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ResidencePeriod:
    """One registered address held from `start_date` to `end_date` (inclusive; None while current)."""

    municipality_code: str
    start_date: date
    end_date: date | None = None
    area: str | None = None
    """The address below the municipality (town, district), for area-level eligibility."""
    moved_in_from_abroad: bool = False


@dataclass(frozen=True, slots=True)
class ResidenceHistory:
    resident_code: str
    periods: tuple[ResidencePeriod, ...]
    alive: bool = True

    def current(self) -> ResidencePeriod | None:
        open_periods = [p for p in self.periods if p.end_date is None]
        return open_periods[-1] if open_periods else None


class ResidenceHistorySource(Protocol):
    """Answers "where has this resident been registered", or None when the resident is unknown.

    `purpose` is the X-Purpose header value: a registered code and a description (`encode_purpose`)."""

    async def residence_history(self, resident_code: str, *, purpose: str) -> ResidenceHistory | None: ...


class ResidenceSourceUnavailable(Exception):  # noqa: N818 - rendered as a 502/503 problem
    """The registry could not be asked (down, refused our credentials, answered nonsense)."""
