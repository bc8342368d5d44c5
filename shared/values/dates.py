"""Calendar dates the platform takes: from Japan's adoption of the Gregorian calendar to the end
of the last fiscal year it supports.

Outside that range a date names nothing the register, an election or a report can hold, and the
arithmetic done with it (a term's end, an age, a day in JST) overflows Python's calendar at year
9999. So such a date is refused as input, with a pointer to the field, like any other bad value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Final

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from shared.values.fiscal_year import FISCAL_YEAR_MAX, fiscal_year_end

DATE_MIN: Final = date(1873, 1, 1)  # Meiji 6: dates before it were lunisolar
DATE_MAX: Final = fiscal_year_end(FISCAL_YEAR_MAX)


def check_supported_day(day: date) -> None:
    """Raise a pydantic error unless `day` (a datetime's own calendar day) is in the range."""
    own_day = day.date() if isinstance(day, datetime) else day
    if not DATE_MIN <= own_day <= DATE_MAX:
        raise PydanticCustomError(
            "date_out_of_range",
            "dates from {min} to {max} are supported",
            {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def _supported_date(value: date) -> date:
    check_supported_day(value)
    return value


CalendarDate = Annotated[date, AfterValidator(_supported_date)]
"""A date from 1873-01-01 to the end of the last supported fiscal year (2201-03-31)."""
