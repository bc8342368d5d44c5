"""Calendar arithmetic for terms stated in months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def last_day_of_term(start: date, months: int) -> date:
    """The last day of a term of `months` months that begins on `start` (1 Apr + 6 months → 30 Sep)."""
    return add_months(start, months) - timedelta(days=1)
