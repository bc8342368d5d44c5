"""Calendar dates the platform takes: from Japan's adoption of the Gregorian calendar to the end
of the last fiscal year it supports.

Outside that range a date names nothing the register, an election or a report can hold, and the
arithmetic done with it (a term's end, an age, a day in JST) overflows Python's calendar at year
9999. So such a date is refused as input, with a pointer to the field, like any other bad value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Final

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
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


_TIME_OF_DAY: Final = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?")
TIME_OF_DAY_PATTERN: Final = f"^{_TIME_OF_DAY.pattern}$"


def _time_of_day_text(value: object) -> object:
    """Only the form the schema documents: OpenAPI's `format: time` is RFC 3339's full-time, which
    needs an offset a clock time in Japan does not have, so the field is a patterned string."""
    if isinstance(value, str) and not _TIME_OF_DAY.fullmatch(value):
        raise PydanticCustomError(
            "time_of_day", "a time of day in Japan as HH:MM or HH:MM:SS, without an offset"
        )
    return value


TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day_text),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIME_OF_DAY_PATTERN,
            "description": "A time of day in Japan (JST), HH:MM or HH:MM:SS, without an offset.",
            "examples": ["07:00:00"],
        }
    ),
]
"""A clock time in Japan (a polling station's hours): written HH:MM:SS, read as HH:MM or HH:MM:SS."""
