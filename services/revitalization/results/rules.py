"""When a result may be dated: pure rules, no I/O.

A result belongs to an award, so its dates cannot fall before the award was made, and a figure or an
achievement cannot be reported for a day that has not come (the bureau's calendar, Japan time). A planned
date is a plan: any date.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Refusal(NamedTuple):
    """Why a rule refuses: the problem type's slug and the detail for the caller."""

    slug: str
    detail: str


def date_refusal(day: date, *, awarded_on: date, today: date, what: str) -> Refusal | None:
    """(problem slug, detail) when `day` cannot date a result, None when it can."""
    if day > today:
        return Refusal(
            slug="date-in-future",
            detail=f"The {what} {day.isoformat()} is after today ({today.isoformat()}).",
        )
    if day < awarded_on:
        return Refusal(
            slug="before-award",
            detail=f"The {what} {day.isoformat()} is before the award ({awarded_on.isoformat()}).",
        )
    return None
