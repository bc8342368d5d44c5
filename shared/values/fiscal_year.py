"""Japanese fiscal year (年度): 1 April to 31 March of the following year.

Fiscal year 2024 runs from 2024-04-01 to 2025-03-31. Dates are Japanese calendar dates; an
aware ``datetime`` is first converted to Japan Standard Time, a naive one is refused.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Final

from pydantic import Field

JST: Final = timezone(timedelta(hours=9), "JST")
FISCAL_YEAR_MIN: Final = 1947
FISCAL_YEAR_MAX: Final = 2200

FiscalYear = Annotated[
    int,
    Field(
        ge=FISCAL_YEAR_MIN,
        le=FISCAL_YEAR_MAX,
        description=(
            "Japanese fiscal year (年度), named by the calendar year in which it starts: "
            "fiscal year 2024 runs from 2024-04-01 to 2025-03-31."
        ),
        examples=[2024],
    ),
]
"""A fiscal year between 1947 and 2200."""


def fiscal_year_of(d: date) -> int:
    """The fiscal year a date falls in (``2025-03-31`` → 2024, ``2025-04-01`` → 2025)."""
    if isinstance(d, datetime):
        if d.utcoffset() is None:
            raise ValueError("a datetime must carry a UTC offset to place it in a fiscal year")
        d = d.astimezone(JST).date()
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_start(fy: int) -> date:
    """First day of fiscal year ``fy``: 1 April of ``fy``."""
    return date(fy, 4, 1)


def fiscal_year_end(fy: int) -> date:
    """Last day of fiscal year ``fy``: 31 March of ``fy + 1``."""
    return date(fy + 1, 3, 31)
