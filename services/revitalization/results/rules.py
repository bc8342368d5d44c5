"""When a result may be dated: pure rules, no I/O.

A result belongs to an award, so its dates cannot fall before the award was made, and a figure or an
achievement cannot be reported for a day that has not come (the bureau's calendar, Japan time). A planned
date is a plan: any date.
"""

from __future__ import annotations

from datetime import date


def date_refusal(day: date, *, awarded_on: date, today: date, what: str) -> tuple[str, str] | None:
    """(problem slug, detail) when `day` cannot date a result, None when it can."""
    if day > today:
        return "date-in-future", f"The {what} {day.isoformat()} is after today ({today.isoformat()})."
    if day < awarded_on:
        return "before-award", f"The {what} {day.isoformat()} is before the award ({awarded_on.isoformat()})."
    return None
